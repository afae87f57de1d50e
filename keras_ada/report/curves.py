"""Training curves from a run's TensorBoard event logs, drawn as PNG."""

import os

import numpy as np


def read_scalars(log_dir: str) -> dict:
    """Reads every scalar series of the event files under `log_dir`.

    Keras writes its summaries as tensors (TF2 summaries) into `train/` and
    `validation/` sub-directories; each series is named `<subdir>/<tag>`.

    Returns:
        `{name: (steps, values)}`, numpy arrays sorted by step.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    series = {}
    for folder, _, files in sorted(os.walk(log_dir)):
        if not any(".tfevents." in name for name in files):
            continue
        accumulator = EventAccumulator(folder, size_guidance={"tensors": 0})
        accumulator.Reload()
        prefix = os.path.relpath(folder, log_dir)
        tags = accumulator.Tags()
        for tag in tags.get("tensors", []):
            events = accumulator.Tensors(tag)
            points = [
                (event.step, float(make_ndarray(event.tensor_proto)))
                for event in events
            ]
            _add(series, f"{prefix}/{tag}", points)
        for tag in tags.get("scalars", []):
            points = [(event.step, event.value) for event in accumulator.Scalars(tag)]
            _add(series, f"{prefix}/{tag}", points)
    return series


def plot_curves(
    series: dict, path: str, title: str, steps_per_interval: int | None = None
) -> bool:
    """Draws the `nll`, `loss` and `perplexity` series to a PNG.

    One panel per metric and kind of series: Keras numbers its batch-level
    summaries (`batch_*`) by training step and its epoch-level ones (`epoch_*`,
    training and validation, one per checkpoint interval) by interval. Keras'
    batch-level `loss`, `nll` and `perplexity` (the mean of the batches'
    codebook perplexities) are running means that restart at each checkpoint;
    given `steps_per_interval`, they are drawn per step instead (`per_step`),
    with no jump at the checkpoints.

    Returns:
        Whether there was anything to draw (no file is written otherwise).
    """
    from matplotlib.figure import Figure

    panels = [
        (kind, metric)
        for kind in ("batch", "epoch")
        for metric in ("nll", "loss", "perplexity")
        if any(name.endswith(f"{kind}_{metric}") for name in series)
    ]
    if not panels:
        return False
    columns = min(3, len(panels))
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(5 * columns, 3.2 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis, (kind, metric) in zip(axes, panels):
        for name, (steps, values) in sorted(series.items()):
            if name.endswith(f"{kind}_{metric}") and len(steps):
                marker = "o" if len(steps) < 20 else None
                if kind == "batch" and steps_per_interval:
                    values = per_step(steps, values, steps_per_interval)
                elif kind == "batch":
                    name += " (running mean of each interval)"
                axis.plot(steps, values, label=name, marker=marker)
        axis.set_title(
            f"{title}: {metric} per {'step' if kind == 'batch' else 'interval'}"
        )
        axis.set_xlabel("step" if kind == "batch" else "checkpoint interval")
        axis.legend(fontsize=7)
    for axis in axes[len(panels) :]:
        axis.set_visible(False)
    figure.savefig(path, dpi=90)
    return True


def per_step(steps, means, steps_per_interval: int):
    """Undoes Keras' running means: the mean of the steps since the previous
    summary (one value per summary).

    Keras logs at step `s` the mean of the steps of its checkpoint interval so
    far, `k = (s - 1) % steps_per_interval + 1` of them. Two summaries of one
    interval give the mean of the steps between them; the first summary of an
    interval is its own mean.

    Example:

    >>> per_step(np.array([2, 4, 6]), np.array([1.0, 2.0, 5.0]), 4)
    array([1., 3., 5.])
    """
    positions = (np.asarray(steps) - 1) % steps_per_interval + 1
    totals = positions * np.asarray(means, dtype=float)
    values = np.asarray(means, dtype=float).copy()
    same_interval = np.diff(positions) == np.diff(steps)
    spans = np.diff(positions)
    later = np.flatnonzero(same_interval) + 1
    values[later] = (totals[later] - totals[later - 1]) / spans[later - 1]
    return values


def _add(series, name, points):
    if points:
        points.sort()
        steps, values = zip(*points)
        series[name] = (np.asarray(steps), np.asarray(values))
