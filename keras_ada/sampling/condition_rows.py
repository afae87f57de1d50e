"""The conditioning biases of a chunk of steps, as host arrays of a fixed shape.

Sampling reads the biases a chunk at a time. Every chunk asks for the same
number of rows (rows past the end of the sequence are zeros), and the rows are
cut and padded with NumPy on the host, so that the compiled loop and the
operations around it see one shape whatever the sequence's duration: a
duration never seen before compiles nothing new.
"""

import math

import numpy as np
from keras import ops


class ConditionRows:
    """Rows of per-block biases, one per `condition_hop` steps of a sequence.

    Args:
        condition: biases `(batch, rows, channels)` for the whole sequence,
            or a function `condition(first, count)` giving rows `first, ...,
            first + count - 1`, fewer where the sequence ends (then no more
            than a chunk's biases exist at a time).
        batch_size: rows of the batch.
        total_steps: steps of the whole sequence, prime included.
        condition_hop: steps per row.
        channels: biases per row (the model's `condition_channels`).
        dtype: the model's compute dtype.

    Example:

    >>> biases = np.arange(10, dtype="float32").reshape(1, 5, 2)
    >>> rows = ConditionRows(biases, 1, total_steps=10, condition_hop=2,
    ...                      channels=2, dtype="float32")
    >>> rows(3, 4)[0].tolist()
    [[6.0, 7.0], [8.0, 9.0], [0.0, 0.0], [0.0, 0.0]]
    """

    def __init__(
        self, condition, batch_size, total_steps, condition_hop, channels, dtype
    ):
        self.batch_size = batch_size
        self.total_rows = math.ceil(total_steps / condition_hop)
        self.channels = channels
        self.dtype = dtype
        if callable(condition):
            self._condition = condition
        else:
            condition = ops.cast(ops.convert_to_tensor(condition), dtype)
            if len(condition.shape) != 3 or condition.shape[1] != self.total_rows:
                self._error(condition.shape)
            # Cut on the host: a tensor slice compiles once per distinct bounds.
            table = ops.convert_to_numpy(condition)
            self._condition = lambda first, count: table[:, first : first + count]

    def __call__(self, first: int, count: int) -> np.ndarray:
        """Rows `first, ..., first + count - 1`, zeros past the end: `(batch, count, channels)`."""
        present = min(count, max(self.total_rows - first, 0))
        values = np.asarray(ops.convert_to_numpy(self._condition(first, count)))
        if values.shape != (self.batch_size, present, self.channels):
            self._error(values.shape)
        return np.pad(values, ((0, 0), (0, count - present), (0, 0)))

    def tensor(self, first: int, count: int):
        """`self(first, count)` as a tensor of the model's compute dtype."""
        return ops.cast(ops.convert_to_tensor(self(first, count)), self.dtype)

    def _error(self, shape):
        raise ValueError(
            "`condition` must hold one row per `condition_hop` steps of the whole "
            f"sequence, prime included: shape (batch, {self.total_rows}, "
            f"{self.channels}). Received: condition.shape={shape}"
        )
