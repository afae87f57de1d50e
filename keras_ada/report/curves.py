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


def plot_curves(series: dict, path: str, title: str) -> bool:
    """Draws the `nll`, `loss` and `perplexity` series to a PNG.

    One panel per metric and kind of series: Keras numbers its batch-level
    summaries (`batch_*`) by training step and its epoch-level ones (`epoch_*`,
    training and validation, one per checkpoint interval) by interval.

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


def _add(series, name, points):
    if points:
        points.sort()
        steps, values = zip(*points)
        series[name] = (np.asarray(steps), np.asarray(values))
