"""Drawing classes from logits with a temperature, reproducibly on every backend."""

import numpy as np
from keras import ops

NOISE_BLOCK = 1024


def resolve_seed(seed: int | None) -> int:
    """Returns `seed`, or a fresh one from NumPy's global generator if it is None.

    `keras.utils.set_random_seed` seeds NumPy, so unseeded sampling is still
    reproducible after it.
    """
    if seed is None:
        return int(np.random.randint(0, 2**31 - 1))
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(
            f"`seed` must be a non-negative integer or None. Received: seed={seed}"
        )
    return int(seed)


def uniform_noise(seed: int, batch_size: int, start: int, count: int) -> np.ndarray:
    """Uniform numbers in [0, 1) for steps `start, ..., start + count - 1`.

    Row `b`, step `s` depends only on `(seed, b, s)`: the numbers come from
    independent NumPy generators per batch row and block of `NOISE_BLOCK` steps.
    Samples therefore do not depend on the chunk size, on the backend, nor (for one
    row) on the batch size.

    Returns:
        A float32 array `(batch_size, count)`.
    """
    if count == 0:
        return np.zeros((batch_size, 0), "float32")
    first, last = start // NOISE_BLOCK, (start + count - 1) // NOISE_BLOCK
    rows = []
    for row in range(batch_size):
        blocks = [
            np.random.default_rng([seed, row, block]).random(
                NOISE_BLOCK, dtype=np.float32
            )
            for block in range(first, last + 1)
        ]
        offset = start - first * NOISE_BLOCK
        rows.append(np.concatenate(blocks)[offset : offset + count])
    return np.stack(rows)


def temperatures(temperature, batch_size: int) -> np.ndarray:
    """Broadcasts a scalar or per-row temperature to a float32 array `(batch_size,)`."""
    values = np.broadcast_to(np.asarray(temperature, "float32"), (batch_size,)).copy()
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError(
            "`temperature` must be finite and >= 0 (0 is greedy). "
            f"Received: temperature={temperature}"
        )
    return values


def draw_from_logits(logits, uniform):
    """Draws one class per row from `softmax(logits)` by inverting the CDF at `uniform`.

    One uniform number per row suffices, and the function is pure, so it runs
    inside compiled loops. A logit of -inf is never drawn.

    Args:
        logits: float32 tensor `(batch, num_classes)`, at least one finite per row.
        uniform: float32 tensor `(batch,)` of numbers in [0, 1).

    Returns:
        An int32 tensor `(batch,)`.
    """
    logits = ops.convert_to_tensor(logits)
    uniform = ops.convert_to_tensor(uniform, logits.dtype)
    num_classes = logits.shape[-1]
    cdf = ops.cumsum(ops.softmax(logits, axis=-1), axis=-1)
    threshold = uniform[:, None] * cdf[:, -1:]
    drawn = ops.sum(ops.cast(cdf <= threshold, "int32"), axis=-1)
    return ops.minimum(drawn, num_classes - 1)


def sample_categorical(logits, uniform, temperature):
    """Draws one class per row of `logits` at a temperature (0: the argmax).

    Row `b` is drawn from `softmax(logits[b] / temperature[b])` by
    `draw_from_logits`; a temperature of 0 gives `argmax(logits[b])`.

    Args:
        logits: float tensor `(batch, num_classes)`.
        uniform: float tensor `(batch,)` of numbers in [0, 1).
        temperature: float tensor `(batch,)`, >= 0.

    Returns:
        An int32 tensor `(batch,)`.
    """
    logits = ops.cast(ops.convert_to_tensor(logits), "float32")
    temperature = ops.convert_to_tensor(temperature, "float32")
    greedy = ops.cast(ops.argmax(logits, axis=-1), "int32")
    positive = temperature > 0
    scale = ops.where(positive, temperature, ops.ones_like(temperature))
    drawn = draw_from_logits(logits / scale[:, None], uniform)
    return ops.where(positive, drawn, greedy)
