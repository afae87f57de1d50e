"""Incremental ("fast WaveNet") sampling: one step costs O(layers), whatever the RF.

A causal convolution with filter length `k` and dilation `d` reads its input at
times `t, t - d, ..., t - (k - 1) d`. Sampling step by step, the past inputs were
all computed at earlier steps, so each convolution keeps them in a circular
buffer (a queue) of `n = (k - 1) d + 1` slots: step `t` writes its current input
to slot `t mod n`, then reads slots `(t - j d) mod n` for `j = 1, ..., k - 1`.
A step is then one matrix product per layer on `k` gathered rows, a cost
independent of the receptive field (Paine et al. 2016, "Fast Wavenet Generation
Algorithm").

Writing before reading (hence the one extra slot, which the reads never touch)
makes every read depend on the write, so XLA updates the buffers in place; with
the reads first, the two are unordered and XLA copies every buffer at every
step, a cost proportional to the receptive field.

The queues start at zero, which is exactly the zero padding of the causal
convolutions in the teacher-forced pass, so the step logits equal the full pass's
logits at every position. A prime is fed through the full (parallel) pass once
and its last activations fill the queues.

The whole loop over a chunk of steps is one compiled function (`jax.jit`, or
`tf.function(jit_compile=True)` on TensorFlow: a bounded `while_loop` whose
buffers XLA updates in place); between chunks the host reports progress.
"""

import dataclasses
import math
import weakref

import keras
import numpy as np
from keras import ops

from keras_ada.ops import classes_to_unit
from keras_ada.sampling.categorical import resolve_seed
from keras_ada.sampling.categorical import sample_categorical
from keras_ada.sampling.categorical import temperatures
from keras_ada.sampling.categorical import uniform_noise
from keras_ada.sampling.compile import compile_function

DEFAULT_CHUNK_SIZE = 4096


@dataclasses.dataclass(frozen=True)
class CausalQueue:
    """The circular buffer of past inputs of one causal convolution.

    Attributes:
        kernel_size: filter length `k`.
        dilation: dilation `d`.
        channels: input channels of the convolution.
    """

    kernel_size: int
    dilation: int
    channels: int

    @property
    def length(self) -> int:
        """Slots in the buffer: `(k - 1) d + 1` (the current input and the past)."""
        return (self.kernel_size - 1) * self.dilation + 1

    def zeros(self, batch_size: int, dtype: str):
        return ops.zeros((self.length, batch_size, self.channels), dtype)

    def from_sequence(self, inputs, dtype: str):
        """The buffer after the inputs `(batch, time, channels)` went through it."""
        time = inputs.shape[1]
        if time < self.length:
            inputs = ops.pad(inputs, ((0, 0), (self.length - time, 0), (0, 0)))
        recent = ops.roll(inputs[:, -self.length :], time % self.length, axis=1)
        return ops.cast(ops.transpose(recent, (1, 0, 2)), dtype)

    def convolve(self, weights, buffer, inputs, t):
        """One output step of the convolution; returns it and the updated buffer.

        Args:
            weights: dict with `"kernel"` `(k * channels, filters)` (the Conv1D
                kernel with its tap axis folded in) and `"bias"` `(filters,)`.
            buffer: `(length, batch, channels)`, the inputs at times
                `t - length, ..., t - 1` in slots `time mod length`.
            inputs: the input at time `t`, `(batch, channels)`.
            t: the current time, an int32 scalar tensor.
        """
        if self.kernel_size == 1:
            return _dense(inputs, weights), buffer
        buffer = ops.slice_update(buffer, (ops.mod(t, self.length), 0, 0), inputs[None])
        taps = [
            ops.take(buffer, ops.mod(t - j * self.dilation, self.length), axis=0)
            for j in range(self.kernel_size - 1, 0, -1)
        ]
        outputs = _dense(ops.concatenate(taps + [inputs], axis=-1), weights)
        return outputs, buffer


def _dense(inputs, weights):
    return ops.matmul(inputs, weights["kernel"]) + weights["bias"]


def _conv_weights(conv, dtype):
    kernel = ops.cast(conv.kernel, dtype)
    size, channels, filters = kernel.shape
    bias = ops.cast(conv.bias, dtype) if conv.use_bias else ops.zeros((filters,), dtype)
    return {"kernel": ops.reshape(kernel, (size * channels, filters)), "bias": bias}


def _concatenated_weights(convs, dtype):
    """One 1x1 convolution computing several: the outputs side by side."""
    weights = [_conv_weights(conv, dtype) for conv in convs]
    return {
        key: ops.concatenate([w[key] for w in weights], axis=-1)
        for key in ("kernel", "bias")
    }


def _check_positive_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value}"
        )


def _batch_size(batch_size, prime, condition):
    sizes = {
        name: value.shape[0]
        for name, value in (("prime", prime), ("condition", condition))
        if value is not None
    }
    if batch_size is None:
        batch_size = next(iter(sizes.values()), 1)
    _check_positive_int("batch_size", batch_size)
    for name, size in sizes.items():
        if size != batch_size:
            raise ValueError(
                f"`{name}` must have `batch_size`={batch_size} rows. "
                f"Received: {name}.shape[0]={size}"
            )
    return int(batch_size)


class IncrementalSampler:
    """Samples from a `WaveNet` step by step with per-layer queues of activations.

    One sampler holds the queue layout of one model and its compiled chunk
    functions; it reads the model's current weights at every `generate` call, so
    training between calls needs no recompilation. `sampler_for(model)` returns a
    cached one.

    Args:
        model: a `keras_ada.models.WaveNet`.
        chunk_size: steps per compiled call; progress is reported between chunks.

    Example:

    >>> sampler = IncrementalSampler(model)
    >>> sampler.generate(16000, batch_size=4, temperature=1.0, seed=0).shape
    (4, 16000)
    """

    def __init__(self, model, chunk_size: int = DEFAULT_CHUNK_SIZE):
        _check_positive_int("chunk_size", chunk_size)
        stack = model.stack
        self._model = weakref.ref(model)
        self.chunk_size = int(chunk_size)
        self.num_classes = model.num_classes
        self.input_format = model.input_format
        self.num_blocks = stack.num_blocks
        self.inner_channels = stack.inner_channels
        self.condition_channels = stack.condition_channels
        self.skip_channels = stack.skip_channels
        self.queues = (
            CausalQueue(stack.input_kernel_size, 1, model.representation.output_dim),
        ) + tuple(
            CausalQueue(block.kernel_size, block.dilation_rate, stack.residual_channels)
            for block in stack.blocks
        )
        self._compiled = {}

    @property
    def model(self):
        model = self._model()
        if model is None:
            raise RuntimeError("The model of this sampler no longer exists.")
        return model

    @property
    def queue_size(self) -> int:
        """Activations held in the queues per batch row (memory, in values)."""
        return sum(queue.length * queue.channels for queue in self.queues)

    # === Pure step functions (run inside the compiled loop) ===

    def weights(self):
        """The model's current weights as a nest of tensors in its compute dtype."""
        model = self.model
        dtype = model.compute_dtype
        blocks = []
        for block in model.stack.blocks:
            projections = [block.skip_projection]
            if block.project_residual:
                projections.append(block.residual_projection)
            blocks.append(
                {
                    "dilated": _conv_weights(block.dilated_conv, dtype),
                    "projection": _concatenated_weights(projections, dtype),
                }
            )
        weights = {
            "input_conv": _conv_weights(model.stack.input_conv, dtype),
            "blocks": tuple(blocks),
            "head_hidden": _conv_weights(model.head_hidden, dtype),
            "head_logits": _conv_weights(model.head_logits, dtype),
        }
        if self.input_format == "embedding":
            table = model.representation.embedding.embeddings
            weights["embedding"] = ops.cast(table, dtype)
        return weights

    def features(self, weights, classes, dtype):
        """The input representation of classes `(batch,)`: `(batch, channels)`."""
        if self.input_format == "continuous":
            features = classes_to_unit(classes, self.num_classes)[:, None]
        elif self.input_format == "one_hot":
            features = ops.one_hot(classes, self.num_classes)
        else:
            features = ops.take(weights["embedding"], classes, axis=0)
        return ops.cast(features, dtype)

    def step(self, weights, features, buffers, t, bias=None):
        """Logits for time `t` from the stack input at `t` (the previous sample).

        Args:
            weights: `self.weights()`.
            features: `(batch, channels)`, the representation of the class at
                `t - 1` (zeros at `t = 0`).
            buffers: one queue buffer per convolution (input convolution first).
            t: int32 scalar tensor.
            bias: optional `(batch, condition_channels)` conditioning at `t`.

        Returns:
            `(logits, buffers)`: float32 logits `(batch, num_classes)` and the
            updated buffers.
        """
        buffers = list(buffers)
        residual, buffers[0] = self.queues[0].convolve(
            weights["input_conv"], buffers[0], features, t
        )
        if bias is None:
            biases = [None] * self.num_blocks
        else:
            biases = ops.split(ops.cast(bias, residual.dtype), self.num_blocks, axis=-1)
        skip_sum = 0.0
        for index, (block, queue, block_bias) in enumerate(
            zip(weights["blocks"], self.queues[1:], biases), start=1
        ):
            preactivation, buffers[index] = queue.convolve(
                block["dilated"], buffers[index], residual, t
            )
            if block_bias is not None:
                preactivation = preactivation + block_bias
            inner = self.inner_channels
            gated = ops.tanh(preactivation[:, :inner]) * ops.sigmoid(
                preactivation[:, inner:]
            )
            projected = _dense(gated, block["projection"])
            skip_sum = skip_sum + projected[:, : self.skip_channels]
            if projected.shape[-1] > self.skip_channels:  # not the last block
                residual = residual + projected[:, self.skip_channels :]
        hidden = _dense(ops.relu(skip_sum), weights["head_hidden"])
        logits = _dense(ops.relu(hidden), weights["head_logits"])
        return ops.cast(logits, "float32"), tuple(buffers)

    def _chunk(
        self,
        weights,
        state,
        start,
        count,
        noise,
        temperature,
        condition,
        first_row,
        condition_hop,
        return_logits,
    ):
        """Runs `count <= chunk_size` steps from time `start` in one while loop."""
        batch_size, chunk_size = noise.shape
        features, buffers = state

        def body(i, features, buffers, samples, *logits_out):
            t = start + i
            bias = None
            if condition is not None:
                row = ops.floor_divide(t, condition_hop) - first_row
                bias = ops.take(condition, row, axis=1)
            logits, buffers = self.step(weights, features, buffers, t, bias)
            classes = sample_categorical(
                logits, ops.take(noise, i, axis=1), temperature
            )
            samples = ops.slice_update(samples, (0, i), classes[:, None])
            outputs = (
                i + 1,
                self.features(weights, classes, features.dtype),
                buffers,
                samples,
            )
            if return_logits:
                logits_out = ops.slice_update(logits_out[0], (0, i, 0), logits[:, None])
                outputs += (logits_out,)
            return outputs

        loop_vars = (
            ops.zeros((), "int32"),
            features,
            buffers,
            ops.zeros(noise.shape, "int32"),
        )
        if return_logits:
            loop_vars += (
                ops.zeros((batch_size, chunk_size, self.num_classes), "float32"),
            )
        outputs = ops.while_loop(
            lambda i, *_: i < count, body, loop_vars, maximum_iterations=chunk_size
        )
        return ((outputs[1], outputs[2]),) + tuple(outputs[3:])

    def _compiled_chunk(self, conditioned, condition_hop, return_logits):
        key = (conditioned, condition_hop, return_logits)
        if key not in self._compiled:

            def chunk(
                weights, state, start, count, noise, temperature, condition, first_row
            ):
                return self._chunk(
                    weights,
                    state,
                    start,
                    count,
                    noise,
                    temperature,
                    condition if conditioned else None,
                    first_row,
                    condition_hop,
                    return_logits,
                )

            self._compiled[key] = compile_function(chunk)
        return self._compiled[key]

    # === State ===

    def initial_state(self, weights, batch_size, dtype):
        """Empty queues and zero features: the state before the first step."""
        features = ops.zeros((batch_size, self.queues[0].channels), dtype)
        return features, tuple(queue.zeros(batch_size, dtype) for queue in self.queues)

    def prefill(self, weights, prime, bias=None):
        """The state after teacher-forcing `prime` `(batch, P)`, in one full pass.

        Args:
            weights: `self.weights()`.
            prime: int tensor `(batch, P)`, `P >= 1`.
            bias: optional full-rate conditioning `(batch, P, condition_channels)`.
        """
        model = self.model
        stack = model.stack
        dtype = model.compute_dtype
        features = model.shift_right(model.representation(prime))
        inputs = [features]
        residual = stack.input_conv(features)
        biases = (
            [None] * self.num_blocks
            if bias is None
            else ops.split(bias, self.num_blocks, -1)
        )
        for block, block_bias in zip(stack.blocks, biases):
            inputs.append(residual)
            residual, _ = block(residual, condition=block_bias)
        buffers = tuple(
            queue.from_sequence(x, dtype) for queue, x in zip(self.queues, inputs)
        )
        return self.features(weights, prime[:, -1], dtype), buffers

    # === Driver ===

    def generate(
        self,
        num_steps: int,
        batch_size: int | None = None,
        temperature=1.0,
        seed: int | None = None,
        condition=None,
        prime=None,
        condition_hop: int = 1,
        return_logits: bool = False,
        verbose="auto",
    ):
        """Samples `num_steps` classes after an optional prime.

        Args:
            num_steps: number of new steps.
            batch_size: rows to sample; defaults to the rows of `prime` or
                `condition`, else 1.
            temperature: scalar or per-row `(batch,)`; 0 is greedy (argmax).
            seed: integer seed; the same seed gives the same samples (on every
                backend and for any `chunk_size`). None draws one from NumPy's
                global generator (see `keras.utils.set_random_seed`).
            condition: optional per-block biases for every step of the sequence,
                prime first: `(batch, ceil((P + num_steps) / condition_hop),
                condition_channels)`; row `r` applies to steps
                `r * condition_hop, ..., (r + 1) * condition_hop - 1`.
            prime: optional int sequence `(batch, P)` that the samples continue.
            condition_hop: steps per row of `condition` (the hop of an ADA, to
                condition at the code rate without repeating the biases).
            return_logits: whether to also return each step's logits.
            verbose: `"auto"` (a progress bar when there is more than one
                chunk), 0 or 1.

        Returns:
            The new samples only (not the prime), an int32 NumPy array
            `(batch, num_steps)`; with `return_logits`, also the float32 logits
            `(batch, num_steps, num_classes)` they were drawn from.
        """
        if not isinstance(num_steps, (int, np.integer)) or num_steps < 0:
            raise ValueError(
                f"`num_steps` must be a non-negative integer. Received: num_steps={num_steps}"
            )
        _check_positive_int("condition_hop", condition_hop)
        model = self.model
        if prime is not None:
            prime = ops.cast(ops.convert_to_tensor(prime), "int32")
            if len(prime.shape) != 2 or prime.shape[1] == 0:
                raise ValueError(
                    "`prime` must be an int sequence `(batch, P)` with P >= 1. "
                    f"Received: prime.shape={prime.shape}"
                )
        prime_length = 0 if prime is None else prime.shape[1]
        batch_size = _batch_size(batch_size, prime, condition)
        if condition is not None:
            condition = self._check_condition(
                condition, prime_length + num_steps, condition_hop
            )
        if not model.built:
            model(ops.zeros((1, 1), "int32"))
        dtype = model.compute_dtype
        weights = self.weights()
        if prime is None:
            state = self.initial_state(weights, batch_size, dtype)
        else:
            bias = None
            if condition is not None:
                rows = condition[:, : math.ceil(prime_length / condition_hop)]
                bias = ops.repeat(rows, condition_hop, axis=1)[:, :prime_length]
            state = self.prefill(weights, prime, bias)
        seed = resolve_seed(seed)
        temperature = ops.convert_to_tensor(temperatures(temperature, batch_size))
        chunk = self._compiled_chunk(
            condition is not None, condition_hop, return_logits
        )
        rows_per_chunk = (self.chunk_size - 1) // condition_hop + 2
        progbar = None
        if verbose == 1 or (verbose == "auto" and num_steps > self.chunk_size):
            progbar = keras.utils.Progbar(num_steps, unit_name="step")
        samples, logits = [], []
        for done in range(0, num_steps, self.chunk_size):
            count = min(self.chunk_size, num_steps - done)
            start = prime_length + done
            noise = np.zeros((batch_size, self.chunk_size), "float32")
            noise[:, :count] = uniform_noise(seed, batch_size, done, count)
            first_row = start // condition_hop
            condition_rows = None
            if condition is not None:
                condition_rows = condition[:, first_row : first_row + rows_per_chunk]
                missing = rows_per_chunk - condition_rows.shape[1]
                condition_rows = ops.pad(condition_rows, ((0, 0), (0, missing), (0, 0)))
            state, *outputs = chunk(
                weights,
                state,
                ops.convert_to_tensor(start, "int32"),
                ops.convert_to_tensor(count, "int32"),
                ops.convert_to_tensor(noise),
                temperature,
                condition_rows,
                ops.convert_to_tensor(first_row, "int32"),
            )
            samples.append(ops.convert_to_numpy(outputs[0])[:, :count])
            if return_logits:
                logits.append(ops.convert_to_numpy(outputs[1])[:, :count])
            if progbar is not None:
                progbar.update(done + count)
        samples = (
            np.concatenate(samples, 1)
            if samples
            else np.zeros((batch_size, 0), "int32")
        )
        if not return_logits:
            return samples.astype("int32")
        if not logits:
            logits = [np.zeros((batch_size, 0, self.num_classes), "float32")]
        return samples.astype("int32"), np.concatenate(logits, 1)

    def _check_condition(self, condition, total_steps, condition_hop):
        condition = ops.cast(ops.convert_to_tensor(condition), self.model.compute_dtype)
        rows = math.ceil(total_steps / condition_hop)
        if (
            len(condition.shape) != 3
            or condition.shape[1] != rows
            or condition.shape[2] != self.condition_channels
        ):
            raise ValueError(
                "`condition` must hold one row per `condition_hop` steps of the whole "
                f"sequence, prime included: shape (batch, {rows}, "
                f"{self.condition_channels}). Received: condition.shape={condition.shape}"
            )
        return condition


_SAMPLERS = weakref.WeakKeyDictionary()


def sampler_for(model, chunk_size: int = DEFAULT_CHUNK_SIZE) -> IncrementalSampler:
    """The cached `IncrementalSampler` of `model` for `chunk_size`."""
    samplers = _SAMPLERS.setdefault(model, {})
    if chunk_size not in samplers:
        samplers[chunk_size] = IncrementalSampler(model, chunk_size)
    return samplers[chunk_size]


def generate(
    model,
    num_steps: int,
    batch_size: int | None = None,
    temperature=1.0,
    seed: int | None = None,
    condition=None,
    prime=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **kwargs,
):
    """Samples from a WaveNet incrementally; see `IncrementalSampler.generate`."""
    return sampler_for(model, chunk_size).generate(
        num_steps,
        batch_size=batch_size,
        temperature=temperature,
        seed=seed,
        condition=condition,
        prime=prime,
        **kwargs,
    )
