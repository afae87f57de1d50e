"""Stopping a training run at the first sign of divergence."""

import collections
import math

import keras
import numpy as np


class TrainingDiverged(RuntimeError):
    """Raised when the loss of a training run is non-finite or explodes."""


class StopOnDivergence(keras.callbacks.Callback):
    """Stops `fit` with `TrainingDiverged` when the loss diverges.

    After every training step the logged loss (the running mean of the
    epoch) is checked: a non-finite value, or one more than `max_loss_ratio`
    times the median of the last `window` values, stops training by raising
    `TrainingDiverged`, whose message names the step. At the end of every
    epoch the weights themselves are checked for non-finite values. Put this
    callback before any callback that saves the model (such as
    `ResumableCheckpoint`): as it raises, nothing after it runs, so no
    diverged weights are ever written and the last good checkpoint stays the
    latest one.

    Reading the loss every step waits for the step to finish, as Keras'
    progress bar already does.

    Args:
        max_loss_ratio: Optional positive float; `None` checks for
            non-finite losses only.
        window: number of recent losses whose median is the reference.

    Example:

    >>> model = keras_ada.zoo.load("wavenet_large", scale="tiny")
    >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e30))
    >>> x = np.random.default_rng(0).integers(0, 256, size=(2, 256))
    >>> try:
    ...     model.fit(x, epochs=5, verbose=0, callbacks=[StopOnDivergence()])
    ... except TrainingDiverged as error:
    ...     print(type(error).__name__)
    TrainingDiverged
    """

    def __init__(self, max_loss_ratio: float | None = 1000.0, window: int = 50):
        super().__init__()
        if max_loss_ratio is not None and not max_loss_ratio > 1.0:
            raise ValueError(
                "`max_loss_ratio` must be None or greater than 1. "
                f"Received: max_loss_ratio={max_loss_ratio}"
            )
        self.max_loss_ratio = max_loss_ratio
        self.window = window
        self._recent = collections.deque(maxlen=window)

    def on_train_batch_end(self, batch, logs=None):
        if not logs or "loss" not in logs:
            return
        loss = float(logs["loss"])
        if not math.isfinite(loss):
            self._stop(f"the loss is {loss}")
        if self.max_loss_ratio is not None and len(self._recent) >= min(
            10, self.window
        ):
            reference = float(np.median(self._recent))
            if reference > 0 and loss > self.max_loss_ratio * reference:
                self._stop(
                    f"the loss is {loss:.6g}, more than {self.max_loss_ratio:g} times "
                    f"its recent level {reference:.6g}"
                )
        self._recent.append(loss)

    def on_epoch_end(self, epoch, logs=None):
        for weight in self.model.trainable_weights:
            if not np.all(np.isfinite(keras.ops.convert_to_numpy(weight))):
                self._stop(f"the weight {weight.path} is not finite")

    def _stop(self, reason):
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        raise TrainingDiverged(
            f"Training diverged at step {step}: {reason}. Nothing was saved after "
            "the last checkpoint; resume from it with a lower learning rate."
        )
