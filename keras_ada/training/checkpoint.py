"""Checkpoints that let a killed training run resume where it stopped."""

import json
import os
import warnings

import keras

from keras_ada import io_utils

STATE_FILE = "state.json"


class ResumableCheckpoint(keras.callbacks.Callback):
    """Saves the training state at the end of every epoch; `restore()` reloads it.

    Training runs as one `fit` whose epochs are the checkpoint intervals
    (`steps_per_epoch` steps each). At the end of each epoch the callback writes
    the model's weights together with the optimizer's state (its step counter,
    Adam moments and the Polyak averages of the weights) to
    `epoch_<n>.weights.h5` (under a temporary name, renamed once complete),
    then records it in `state.json`, replaced atomically, and removes the
    checkpoint before the previous one: a run killed at any moment leaves a
    consistent checkpoint, and the last two are kept. `restore(model)` loads
    the latest one, or the one before it (with a warning) when the latest is
    unreadable (say truncated on disk), and returns the number of steps done:
    `fit(initial_epoch=steps_done // steps_per_epoch)` continues the run.

    The weights saved are the live ones, never the averages: put this callback
    before any callback that swaps the averaged weights into the model at the
    end of an epoch (`keras.callbacks.SwapEMAWeights(swap_on_epoch=True)`).

    Args:
        directory: where the checkpoints are written.
        write: whether this process keeps them (only the chief of a
            multi-worker cluster does; every worker restores them). The other
            workers save to a temporary directory that is removed at once:
            reading distributed weights is a collective operation, which
            every worker must take part in.

    Example:

    >>> import tempfile
    >>> model = keras_ada.models.WaveNet(
    ...     repeats=1, stages=2, residual_channels=8, inner_channels=4)
    >>> model.compile()
    >>> data = np.random.default_rng(0).integers(0, 256, size=(4, 64))
    >>> checkpoint = ResumableCheckpoint(tempfile.mkdtemp())
    >>> done = checkpoint.restore(model)  # 0 on a fresh run
    >>> done
    0
    >>> history = model.fit(data, epochs=2, initial_epoch=done, verbose=0,
    ...                     callbacks=[checkpoint])
    """

    def __init__(self, directory: str, write: bool = True):
        super().__init__()
        self.directory = directory
        self.write = write

    @property
    def state_path(self):
        return os.path.join(self.directory, STATE_FILE)

    def state(self) -> dict | None:
        """Returns the latest saved state (`epoch`, `step`, `weights`, ...), or None."""
        if not os.path.exists(self.state_path):
            return None
        with open(self.state_path) as file:
            return json.load(file)

    def restore(self, model) -> int:
        """Loads the latest readable checkpoint into a built, compiled model.

        Returns:
            The number of steps already done (0 when there is no checkpoint).
        """
        state = self.state()
        if state is None:
            return 0
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        candidates = [state, *([state["previous"]] if state.get("previous") else [])]
        for index, candidate in enumerate(candidates):
            path = os.path.join(self.directory, candidate["weights"])
            try:
                model.load_weights(path)
            except Exception as error:
                if index + 1 == len(candidates):
                    raise ValueError(
                        f"Cannot resume: the checkpoint {path} is unreadable ({error}). "
                        f"Remove {self.directory} to start the run again."
                    ) from error
                warnings.warn(
                    f"The checkpoint {path} is unreadable ({error}); resuming from "
                    "the one before it.",
                    stacklevel=2,
                )
                continue
            return _steps_done(candidate)

    def on_epoch_end(self, epoch, logs=None):
        weights = f"epoch_{epoch + 1:06d}.weights.h5"
        path = os.path.join(self.directory, weights)
        with io_utils.atomic_path(path, keep=self.write) as temporary:
            self.model.save_weights(temporary)
        if not self.write:
            return
        previous = self.state()
        state = {
            "epoch": epoch + 1,
            "steps_per_epoch": int(self.params["steps"]),
            "step": int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)),
            "weights": weights,
            "logs": {key: float(value) for key, value in (logs or {}).items()},
        }
        if previous is not None and previous["weights"] != weights:
            state["previous"] = {k: v for k, v in previous.items() if k != "previous"}
        io_utils.write_json(self.state_path, state)
        stale = (previous or {}).get("previous")
        if stale and stale["weights"] not in (weights, previous["weights"]):
            stale_path = os.path.join(self.directory, stale["weights"])
            if os.path.exists(stale_path):
                os.remove(stale_path)


def _steps_done(state) -> int:
    if "steps_per_epoch" not in state:  # Written before it was recorded.
        return int(state["step"])
    return int(state["epoch"]) * int(state["steps_per_epoch"])
