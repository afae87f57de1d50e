"""The naive reference sampler: a full forward pass over the receptive field per step.

It is what incremental sampling replaces, kept as the baseline of
`benchmarks/sampling.py` and as an independent check in the tests: with the same
seed it draws the same samples as `IncrementalSampler`.
"""

import numpy as np
from keras import ops

from keras_ada.sampling.categorical import resolve_seed
from keras_ada.sampling.categorical import sample_categorical
from keras_ada.sampling.categorical import temperatures
from keras_ada.sampling.categorical import uniform_noise
from keras_ada.sampling.compile import compile_function


class NaiveSampler:
    """Samples a WaveNet by recomputing a window of `receptive_field + 1` steps.

    The logits of step `t` depend on the `receptive_field` previous classes, so
    each step runs the compiled model on the window ending at `t` (or on the first
    window while `t` is inside it; the model is causal, so later entries do not
    matter) and keeps the logits at `t`: a cost proportional to the receptive
    field.

    Args:
        model: a `keras_ada.models.WaveNet`.
    """

    def __init__(self, model):
        self.model = model
        self.window = model.receptive_field + 1

        def window_logits(inputs, condition, position):
            logits = model(inputs, condition=condition)
            return ops.take(logits, position, axis=1)

        self._window_logits = compile_function(window_logits)

    def generate(
        self,
        num_steps,
        batch_size=None,
        temperature=1.0,
        seed=None,
        condition=None,
        prime=None,
    ):
        """Same contract as `IncrementalSampler.generate` (full-rate `condition`).

        Returns:
            The new samples, an int32 NumPy array `(batch, num_steps)`.
        """
        prime = None if prime is None else np.asarray(prime, "int32")
        prime_length = 0 if prime is None else prime.shape[1]
        if batch_size is None:
            batch_size = prime.shape[0] if prime is not None else 1
        total = prime_length + num_steps
        sequence = np.zeros((batch_size, max(total, self.window)), "int32")
        if prime is not None:
            sequence[:, :prime_length] = prime
        if condition is not None:
            condition = ops.convert_to_tensor(condition)
            padding = sequence.shape[1] - condition.shape[1]
            condition = ops.pad(condition, ((0, 0), (0, padding), (0, 0)))
        seed = resolve_seed(seed)
        noise = ops.convert_to_tensor(uniform_noise(seed, batch_size, 0, num_steps))
        temperature = ops.convert_to_tensor(temperatures(temperature, batch_size))
        for step in range(num_steps):
            t = prime_length + step
            first = max(0, t - self.window + 1)
            window = slice(first, first + self.window)
            logits = self._window_logits(
                ops.convert_to_tensor(sequence[:, window]),
                None if condition is None else condition[:, window],
                ops.convert_to_tensor(t - first, "int32"),
            )
            classes = sample_categorical(logits, noise[:, step], temperature)
            sequence[:, t] = ops.convert_to_numpy(classes)
        return sequence[:, prime_length:total]


def naive_generate(
    model,
    num_steps,
    batch_size=None,
    temperature=1.0,
    seed=None,
    condition=None,
    prime=None,
):
    """Samples with `NaiveSampler` (recomputing the receptive field every step)."""
    return NaiveSampler(model).generate(
        num_steps,
        batch_size=batch_size,
        temperature=temperature,
        seed=seed,
        condition=condition,
        prime=prime,
    )
