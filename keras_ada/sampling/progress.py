"""A labelled progress bar for sampling: steps, ETA and real-time factor."""

import time

import keras


class SamplingProgress:
    """Reports the progress of one model's sampling on one labelled bar.

    Prints a title line (the label and the number of steps), then a Keras
    progress bar with the ETA and, when the audio duration of a step is known,
    the real-time factor: seconds of audio sampled per second of wall time, for
    one batch row.

    Args:
        label: the title, e.g. the model's name.
        num_steps: steps to sample.
        batch_size: rows sampled at once.
        step_seconds: seconds of audio per step (1 / 16000 for audio, the hop
            of the sequence in seconds for codes); None shows no real-time factor.

    Example:

    >>> progress = SamplingProgress("prior", 100, 1, step_seconds=64 / 16000)
    prior: 100 steps x 1 (0.40 s of audio per row)
    >>> progress.update(100)  # doctest: +SKIP
    """

    def __init__(self, label, num_steps, batch_size, step_seconds=None):
        self.step_seconds = step_seconds
        title = f"{label}: {num_steps} steps x {batch_size}"
        if step_seconds is not None:
            title += f" ({num_steps * step_seconds:.2f} s of audio per row)"
        print(title)
        self._bar = keras.utils.Progbar(
            num_steps, unit_name="step", stateful_metrics=["x real time"]
        )
        self._start = time.perf_counter()

    def update(self, done: int):
        """Shows `done` steps sampled."""
        values = None
        elapsed = time.perf_counter() - self._start
        if self.step_seconds is not None and elapsed > 0:
            values = [("x real time", done * self.step_seconds / elapsed)]
        self._bar.update(done, values=values)
