"""Incremental ("fast WaveNet") sampling: one step costs O(layers), whatever the RF.

The model owns its step (`WaveNet.initial_state`, `prefill` and `step`: every
causal convolution keeps a queue of its past inputs, see
`keras_ada.layers.causal_queue`); this module only drives it: it draws each
class from the step's logits, feeds it back, and reports progress.

The loop over a chunk of steps is compiled (`compile_loop`): one compiled
function on JAX (`jax.jit`) and TensorFlow (`tf.function(jit_compile=True)`),
a bounded `while_loop` whose queues XLA updates in place; on PyTorch, the step
compiled by TorchInductor and called by the host every `TORCH_UNROLL` steps
(`keras_ada.sampling.torch_loop`). Between chunks the host reports progress.
The model's weights enter the compiled step as arguments (through a
`keras.StatelessScope`), so training between calls needs no recompilation.
"""

import math
import weakref

import keras
import numpy as np
from keras import ops

from keras_ada.sampling import samplers
from keras_ada.sampling.categorical import resolve_seed
from keras_ada.sampling.categorical import uniform_noise
from keras_ada.sampling.compile import compile_loop
from keras_ada.sampling.condition_rows import ConditionRows
from keras_ada.sampling.progress import SamplingProgress
from keras_ada.validation import check_int_at_least
from keras_ada.validation import check_positive_int

DEFAULT_CHUNK_SIZE = 4096
# Steps from which `jit_compile="auto"` compiles the sampling loop on PyTorch
# (TorchInductor); shorter loops run traced, not compiled ("traced").
TORCH_COMPILE_MIN_STEPS = 4096


def _batch_size(batch_size, prime, condition):
    sizes = {
        name: value.shape[0]
        for name, value in (("prime", prime), ("condition", condition))
        if value is not None
    }
    if batch_size is None:
        batch_size = next(iter(sizes.values()), 1)
    check_positive_int("batch_size", batch_size)
    for name, size in sizes.items():
        if size != batch_size:
            raise ValueError(
                f"`{name}` must have `batch_size`={batch_size} rows. "
                f"Received: {name}.shape[0]={size}"
            )
    return int(batch_size)


class IncrementalSampler:
    """Samples from a model step by step through its `initial_state`/`prefill`/`step`.

    One sampler holds the compiled chunk functions of one model (a `WaveNet`,
    or any model with that step interface and `num_classes`,
    `condition_channels`, `receptive_field`); it reads the model's current weights at every `generate` call, so
    training between calls needs no recompilation. A `WaveNet` keeps its own
    (`WaveNet.generate`); the `sampler` argument of `generate` only chooses each
    class from the step's logits.

    Args:
        model: a `keras_ada.models.WaveNet`.
        chunk_size: steps per chunk, one compiled loop; progress is reported
            between chunks.

    Example:

    >>> model = keras_ada.models.WaveNet(
    ...     repeats=1, stages=3, residual_channels=8, inner_channels=4)
    >>> sampler = IncrementalSampler(model, chunk_size=64)
    >>> sampler.generate(100, batch_size=4, temperature=1.0, seed=0, verbose=0).shape
    (4, 100)
    >>> sampler.generate(100, batch_size=4, top_k=8, seed=0, verbose=0).shape
    (4, 100)
    """

    def __init__(self, model, chunk_size: int = DEFAULT_CHUNK_SIZE):
        check_positive_int("chunk_size", chunk_size)
        self._model = weakref.ref(model)
        self.chunk_size = int(chunk_size)
        self.num_classes = model.num_classes
        self.condition_channels = model.condition_channels
        self._compiled = {}

    @property
    def model(self):
        model = self._model()
        if model is None:
            raise RuntimeError("The model of this sampler no longer exists.")
        return model

    @property
    def queue_size(self) -> int:
        """Values held in the model's step state per batch row (memory).

        Scalars (the clock) are shared by the batch and not counted.
        """
        state = keras.tree.flatten(self.model.initial_state(1))
        return sum(math.prod(x.shape) for x in state if len(x.shape))

    def _body(self, sampler, conditioned, condition_hop, return_logits):
        """One step of the sampling loop: `body(inputs, i, classes, model_state, samples, *logits)`.

        `inputs` holds the chunk's constants: the model's `weights`, the time
        `start` of its first step, its `noise`, the sampler's `parameters`,
        and with `conditioned` its `condition` rows from row `first_row` on.
        Step `i` of the chunk writes its class (and logits) at `i`.
        """
        model = self.model

        def body(inputs, i, classes, model_state, samples, *logits_out):
            condition_t = None
            if conditioned:
                row = (
                    ops.floor_divide(inputs["start"] + i, condition_hop)
                    - inputs["first_row"]
                )
                condition_t = ops.take(inputs["condition"], row, axis=1)
            mapping = list(zip(model.variables, inputs["weights"]))
            with keras.StatelessScope(state_mapping=mapping):
                logits, model_state = model.step(classes, model_state, condition_t)
            noise_t = ops.take(inputs["noise"], i, axis=1)
            classes = sampler(logits, noise_t, inputs["parameters"])
            samples = ops.slice_update(samples, (0, i), classes[:, None])
            outputs = (i + 1, classes, model_state, samples)
            if return_logits:
                logits_out = ops.slice_update(logits_out[0], (0, i, 0), logits[:, None])
                outputs += (logits_out,)
            return outputs

        return body

    def _compiled_chunk(
        self, sampler, conditioned, condition_hop, return_logits, jit_compile
    ):
        key = (
            sampler.compile_key,
            conditioned,
            condition_hop,
            return_logits,
            jit_compile,
        )
        if key not in self._compiled:
            body = self._body(sampler, conditioned, condition_hop, return_logits)
            self._compiled[key] = compile_loop(body, self.chunk_size, jit_compile)
        return self._compiled[key]

    # === Driver ===

    def generate(
        self,
        num_steps: int,
        batch_size: int | None = None,
        temperature=None,
        seed: int | None = None,
        condition=None,
        prime=None,
        condition_hop: int = 1,
        return_logits: bool = False,
        verbose="auto",
        top_k: int | None = None,
        top_p=None,
        sampler=None,
        label: str | None = None,
        step_seconds: float | None = None,
        callback=None,
        jit_compile="auto",
    ):
        """Samples `num_steps` classes after an optional prime.

        Args:
            num_steps: number of new steps.
            batch_size: rows to sample; defaults to the rows of `prime` or
                `condition`, else 1.
            temperature: scalar or per-row `(batch,)`; 0 is greedy (argmax);
                1.0 by default.
            seed: integer seed; the same seed gives the same samples (on every
                backend and for any `chunk_size`). None takes the sampler's,
                else draws one from NumPy's global generator (see
                `keras.utils.set_random_seed`).
            condition: optional per-block biases for every step of the sequence,
                prime first: `(batch, ceil((P + num_steps) / condition_hop),
                condition_channels)`; row `r` applies to steps
                `r * condition_hop, ..., (r + 1) * condition_hop - 1`. Or a
                function `condition(first, count)` giving rows `first, ...,
                first + count - 1` (fewer where the sequence ends), called a
                chunk at a time with one `count` (long sequences then hold no
                more than a chunk's biases); see `ConditionRows`.
            prime: optional int sequence `(batch, P)` that the samples continue.
            condition_hop: steps per row of `condition` (the hop of an ADA, to
                condition at the code rate without repeating the biases).
            return_logits: whether to also return each step's logits.
            verbose: `"auto"` (a progress bar when there is more than one
                chunk), 0 or 1.
            top_k: draw among the `k` most likely classes (`TopKSampler`).
            top_p: draw from the smallest set of classes holding probability
                `p` (`TopPSampler`).
            sampler: a `keras_ada.sampling.Sampler`, instead of `temperature`,
                `top_k` and `top_p`.
            label: the progress bar's title; the model's name by default.
            step_seconds: seconds of audio per step, for the progress bar's
                real-time factor (1 / 16000 for audio); None shows none.
            callback: optional function called with each chunk of new samples,
                an int32 NumPy array `(batch, count)`, as soon as it is sampled
                (to write a long sample as it goes).
            jit_compile: `"auto"` compiles the loop; on PyTorch, from
                `TORCH_COMPILE_MIN_STEPS` steps on, and shorter loops run
                traced (`"traced"`: the step's ATen operators without Keras'
                dispatch, as `keras_ada.sampling.torch_loop.TracedLoop`).
                True always compiles; False runs the loop eagerly.

        Returns:
            The new samples only (not the prime), an int32 NumPy array
            `(batch, num_steps)`; with `return_logits`, also the float32 logits
            `(batch, num_steps, num_classes)` they were drawn from.
        """
        check_int_at_least("num_steps", num_steps, 0)
        check_positive_int("condition_hop", condition_hop)
        model = self.model
        sampler = samplers.get(sampler, temperature, top_k, top_p)
        if prime is not None:
            # Cut on the host: a tensor slice compiles once per distinct bounds.
            prime = np.asarray(ops.convert_to_numpy(prime)).astype("int32")
            if prime.ndim != 2 or prime.shape[1] == 0:
                raise ValueError(
                    "`prime` must be an int sequence `(batch, P)` with P >= 1. "
                    f"Received: prime.shape={prime.shape}"
                )
        prime_length = 0 if prime is None else prime.shape[1]
        batch_size = _batch_size(
            batch_size, prime, None if callable(condition) else condition
        )
        parameters = {
            name: ops.convert_to_tensor(value)
            for name, value in sampler.parameters(batch_size, self.num_classes).items()
        }
        rows = None
        if condition is not None:
            rows = ConditionRows(
                condition,
                batch_size,
                prime_length + num_steps,
                condition_hop,
                self.condition_channels,
                model.compute_dtype,
            )
        if not model.built:
            model(ops.zeros((1, 1), "int32"))
        weights = [ops.convert_to_tensor(variable) for variable in model.variables]
        if prime is None:
            classes = ops.zeros((batch_size,), "int32")
            state = (classes, model.initial_state(batch_size))
        else:
            state = (
                ops.convert_to_tensor(prime[:, -1]),
                self._prefill(prime, rows, condition_hop),
            )
        seed = resolve_seed(sampler.seed if seed is None else seed)
        if jit_compile == "auto":
            short = num_steps < TORCH_COMPILE_MIN_STEPS
            jit_compile = (
                "traced" if keras.backend.backend() == "torch" and short else True
            )
        elif jit_compile not in (True, False, "traced"):
            raise ValueError(
                '`jit_compile` must be "auto", True, False or "traced". '
                f"Received: jit_compile={jit_compile!r}"
            )
        chunk = self._compiled_chunk(
            sampler, rows is not None, condition_hop, return_logits, jit_compile
        )
        rows_per_chunk = (self.chunk_size - 1) // condition_hop + 2
        progress = None
        if verbose == 1 or (verbose == "auto" and num_steps > self.chunk_size):
            progress = SamplingProgress(
                label or model.name, num_steps, batch_size, step_seconds
            )
        samples = np.zeros((batch_size, num_steps), "int32")
        logits = None
        if return_logits:
            logits = np.zeros((batch_size, num_steps, self.num_classes), "float32")
        for done in range(0, num_steps, self.chunk_size):
            count = min(self.chunk_size, num_steps - done)
            start = prime_length + done
            noise = np.zeros((batch_size, self.chunk_size), "float32")
            noise[:, :count] = uniform_noise(seed, batch_size, done, count)
            first_row = start // condition_hop
            inputs = dict(
                weights=weights,
                start=ops.convert_to_tensor(start, "int32"),
                noise=ops.convert_to_tensor(noise),
                parameters=parameters,
            )
            if rows is not None:
                inputs["condition"] = rows.tensor(first_row, rows_per_chunk)
                inputs["first_row"] = ops.convert_to_tensor(first_row, "int32")
            loop_vars = (ops.zeros((), "int32"),) + state
            loop_vars += (ops.zeros(noise.shape, "int32"),)
            if return_logits:
                loop_vars += (ops.zeros(noise.shape + (self.num_classes,), "float32"),)
            # On PyTorch the last chunk may run past `count` (see
            # `compile_loop`); its extra steps and final state go unused.
            outputs = chunk(inputs, ops.convert_to_tensor(count, "int32"), loop_vars)
            state = (outputs[1], outputs[2])
            new = ops.convert_to_numpy(outputs[3])[:, :count].astype("int32")
            samples[:, done : done + count] = new
            if callback is not None:
                callback(new)
            if return_logits:
                step_logits = ops.convert_to_numpy(outputs[4])
                logits[:, done : done + count] = step_logits[:, :count]
            if progress is not None:
                progress.update(done + count)
        return (samples, logits) if return_logits else samples

    def _prefill(self, prime, rows, condition_hop):
        """The model's state after `prime` (NumPy `(batch, P)`), biases from `rows`.

        The state depends on the last receptive field of the prime only: the
        model prefills from its last two.
        """
        prime_length = prime.shape[1]
        first = max(prime_length - 2 * self.model.receptive_field, 0)
        bias = None
        if rows is not None:
            first_row = first // condition_hop
            bias = rows(first_row, math.ceil(prime_length / condition_hop) - first_row)
            offset = first - first_row * condition_hop
            bias = np.repeat(bias, condition_hop, axis=1)
            bias = bias[:, offset : offset + prime_length - first]
            bias = ops.cast(ops.convert_to_tensor(bias), self.model.compute_dtype)
        return self.model.prefill(ops.convert_to_tensor(prime[:, first:]), bias)
