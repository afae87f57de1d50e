"""Samplers: how a class is chosen from a step's logits (greedy, random, top-k, top-p).

A sampler only turns logits into a choice, as `keras_hub.samplers` do; the
models own their steps and their compiled loops (`WaveNet.generate`). Each
choice inverts the cumulative distribution at one uniform number per row,
drawn from `(seed, row, step)` (`keras_ada.sampling.categorical.uniform_noise`)
and fed into the compiled loop, so the same seed gives the same samples on
every backend, for any chunk size and (row by row) any batch size.
"""

import math

import numpy as np
from keras import ops

from keras_ada.sampling.categorical import draw_from_logits
from keras_ada.sampling.categorical import resolve_seed
from keras_ada.sampling.categorical import temperatures
from keras_ada.validation import check_positive_int


class Sampler:
    """Draws a class from `softmax(logits / temperature)`; the base of all samplers.

    Subclasses narrow the distribution in `filter` (top-k, top-p). A temperature
    of 0 gives the argmax of the logits (greedy decoding), whatever the filter.

    Args:
        temperature: a scalar, or one value per batch row; `>= 0`.
        seed: integer seed used when the sampling call gives none; None draws
            one from NumPy's global generator (see `keras.utils.set_random_seed`).

    Call arguments:
        logits: float tensor `(batch, num_classes)`.
        uniform: float tensor `(batch,)` of numbers in [0, 1).
        parameters: the tensors of `parameters(batch_size, num_classes)`.

    Returns:
        int32 classes `(batch,)`.

    Example:

    >>> sampler = keras_ada.sampling.RandomSampler(temperature=0.9, seed=0)
    >>> logits = np.log(np.array([[0.1, 0.2, 0.7]], "float32"))
    >>> parameters = sampler.parameters(batch_size=1, num_classes=3)
    >>> int(sampler(logits, np.array([0.95], "float32"), parameters)[0])
    2
    """

    def __init__(self, temperature=1.0, seed: int | None = None):
        temperatures(temperature, np.size(temperature))
        if seed is not None:
            resolve_seed(seed)
        self.temperature = temperature
        self.seed = seed

    @property
    def compile_key(self) -> tuple:
        """What the compiled loop depends on (values in `parameters` do not count)."""
        return (type(self).__name__,)

    def parameters(self, batch_size: int, num_classes: int) -> dict:
        """The per-row values the compiled loop takes as tensors."""
        return {"temperature": temperatures(self.temperature, batch_size)}

    def filter(self, logits, parameters):
        """Narrows tempered logits `(batch, num_classes)`: -inf drops a class."""
        return logits

    def __call__(self, logits, uniform, parameters):
        logits = ops.cast(logits, "float32")
        temperature = ops.convert_to_tensor(parameters["temperature"], "float32")
        positive = temperature > 0
        scale = ops.where(positive, temperature, ops.ones_like(temperature))
        tempered = self.filter(logits / scale[:, None], parameters)
        drawn = draw_from_logits(tempered, ops.convert_to_tensor(uniform, "float32"))
        greedy = ops.cast(ops.argmax(logits, axis=-1), "int32")
        return ops.where(positive, drawn, greedy)

    def get_config(self) -> dict:
        return {"temperature": self.temperature, "seed": self.seed}

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class GreedySampler(Sampler):
    """Always the most likely class (the argmax of the logits).

    Example:

    >>> sampler = keras_ada.sampling.GreedySampler()
    >>> logits = np.array([[0.0, 3.0, 1.0]], "float32")
    >>> int(sampler(logits, np.array([0.0], "float32"), sampler.parameters(1, 3))[0])
    1
    """

    def __init__(self):
        super().__init__(temperature=0.0)

    def get_config(self) -> dict:
        return {}


class RandomSampler(Sampler):
    """A class drawn from the whole distribution `softmax(logits / temperature)`.

    Args:
        temperature: a scalar, or one per batch row; 0 is greedy.
        seed: integer seed used when the sampling call gives none.
    """


class TopKSampler(Sampler):
    """A class drawn among the `k` most likely ones, renormalised.

    Ties at the `k`-th logit keep the classes of lowest index, as `argmax`
    does, so `k=1` gives exactly the greedy choice.

    Args:
        k: number of classes kept, a positive integer (at most the number of
            classes).
        temperature: a scalar, or one per batch row; 0 is greedy.
        seed: integer seed used when the sampling call gives none.

    Example:

    >>> sampler = keras_ada.sampling.TopKSampler(k=2, seed=0)
    >>> logits = np.log(np.array([[0.5, 0.2, 0.3]], "float32"))
    >>> int(sampler(logits, np.array([0.99], "float32"), sampler.parameters(1, 3))[0])
    2
    """

    def __init__(self, k: int, temperature=1.0, seed: int | None = None):
        check_positive_int("k", k)
        super().__init__(temperature, seed)
        self.k = int(k)

    @property
    def compile_key(self) -> tuple:
        return (type(self).__name__, self.k)

    def parameters(self, batch_size: int, num_classes: int) -> dict:
        if self.k > num_classes:
            raise ValueError(
                f"`k` must be at most the number of classes ({num_classes}). "
                f"Received: k={self.k}"
            )
        return super().parameters(batch_size, num_classes)

    def filter(self, logits, parameters):
        # Exactly k classes: of the classes tied at the k-th logit, the first
        # ones (as `argmax` breaks ties, so that k=1 is greedy).
        threshold = ops.top_k(logits, self.k)[0][:, -1:]
        above = logits > threshold
        tied = ops.cast(logits == threshold, "int32")
        places = self.k - ops.sum(ops.cast(above, "int32"), axis=-1, keepdims=True)
        kept = above | ((tied > 0) & (ops.cumsum(tied, axis=-1) <= places))
        return ops.where(kept, logits, -math.inf)

    def get_config(self) -> dict:
        return {"k": self.k, **super().get_config()}


class TopPSampler(Sampler):
    """A class drawn from the smallest set of classes holding probability `p` (nucleus).

    The classes are taken from the most likely down until their tempered
    probabilities sum to at least `p`; the draw is renormalised over them.

    Args:
        p: probability mass kept, in (0, 1]; a scalar or one per batch row.
        temperature: a scalar, or one per batch row; 0 is greedy.
        seed: integer seed used when the sampling call gives none.

    Example:

    >>> sampler = keras_ada.sampling.TopPSampler(p=0.6, seed=0)
    >>> logits = np.log(np.array([[0.5, 0.2, 0.3]], "float32"))
    >>> int(sampler(logits, np.array([0.99], "float32"), sampler.parameters(1, 3))[0])
    2
    """

    def __init__(self, p, temperature=1.0, seed: int | None = None):
        values = np.asarray(p, "float32")
        if values.ndim > 1 or not np.all((values > 0) & (values <= 1)):
            raise ValueError(
                "`p` must be in (0, 1], a scalar or one value per batch row. "
                f"Received: p={p!r}"
            )
        super().__init__(temperature, seed)
        self.p = p

    def parameters(self, batch_size: int, num_classes: int) -> dict:
        p = np.broadcast_to(np.asarray(self.p, "float32"), (batch_size,)).copy()
        return {**super().parameters(batch_size, num_classes), "p": p}

    def filter(self, logits, parameters):
        descending = ops.top_k(logits, logits.shape[-1])[0]
        probabilities = ops.softmax(descending, axis=-1)
        mass_before = ops.cumsum(probabilities, axis=-1) - probabilities
        p = ops.convert_to_tensor(parameters["p"], "float32")
        kept = mass_before < p[:, None]
        threshold = ops.min(
            ops.where(kept, descending, math.inf), axis=-1, keepdims=True
        )
        return ops.where(logits >= threshold, logits, -math.inf)

    def get_config(self) -> dict:
        return {"p": self.p, **super().get_config()}


def get(sampler=None, temperature=None, top_k=None, top_p=None) -> Sampler:
    """The sampler that sampling arguments describe.

    At most one of `sampler`, `top_k` and `top_p` is given; `temperature`
    applies to `top_k` and `top_p` and otherwise chooses a `RandomSampler`
    (a scalar 0 a `GreedySampler`). With nothing given: `RandomSampler()`.

    Args:
        sampler: a `Sampler`, or None.
        temperature: a scalar or one per batch row; 1.0 by default.
        top_k: the `k` of a `TopKSampler`.
        top_p: the `p` of a `TopPSampler`.

    Returns:
        A `Sampler`.

    Example:

    >>> keras_ada.sampling.get_sampler(top_k=10, temperature=0.9)
    TopKSampler(k=10, temperature=0.9, seed=None)
    >>> keras_ada.sampling.get_sampler(temperature=0)
    GreedySampler()
    """
    given = {
        name: value
        for name, value in (("sampler", sampler), ("top_k", top_k), ("top_p", top_p))
        if value is not None
    }
    if len(given) > 1:
        received = ", ".join(f"{name}={value!r}" for name, value in given.items())
        raise ValueError(
            f"Give at most one of `sampler`, `top_k` and `top_p`. Received: {received}"
        )
    if sampler is not None:
        if not isinstance(sampler, Sampler):
            raise TypeError(
                "`sampler` must be a `keras_ada.sampling.Sampler`. "
                f"Received: sampler={sampler!r}"
            )
        if temperature is not None:
            raise ValueError(
                "`temperature` is part of the `sampler`: give one or the other. "
                f"Received: temperature={temperature!r}, sampler={sampler!r}"
            )
        return sampler
    temperature = 1.0 if temperature is None else temperature
    if top_k is not None:
        return TopKSampler(top_k, temperature)
    if top_p is not None:
        return TopPSampler(top_p, temperature)
    if np.ndim(temperature) == 0 and float(temperature) == 0.0:
        return GreedySampler()
    return RandomSampler(temperature)
