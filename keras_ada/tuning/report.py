"""The record of a population: `pbt.json` and the plot `pbt.png`."""

import math
import os

from keras_ada.io_utils import write_json

SUMMARY_FILE = "pbt.json"
PLOT_FILE = "pbt.png"


def write_report(summary: dict, output_dir: str):
    """Writes `pbt.json` and `pbt.png` (alpha, beta, fitness per member) to a dir."""
    write_json(os.path.join(output_dir, SUMMARY_FILE), summary)
    plot_population(summary, os.path.join(output_dir, PLOT_FILE))


def plot_population(summary: dict, path: str):
    """Plots every member's alpha, beta and fitness against training steps.

    A member's line breaks where it continues from another member's
    checkpoint (an exploit may take it back to an earlier step); the new
    stretch starts with a ring. Divergences are dotted vertical lines.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(3, 1, figsize=(9, 9), sharex=True)
    diverged = {
        event["member"]: event["step"]
        for event in summary["events"]
        if event["reason"].startswith("divergence")
    }
    for index, member in enumerate(summary["members"]):
        color = f"C{index % 10}"
        for number, stretch in enumerate(_stretches(member["reports"])):
            steps = [report["step"] for report in stretch]
            for axis, key in zip(axes, ("alpha", "beta", "fitness")):
                values = [_finite(report[key]) for report in stretch]
                label = member["member"] if number == 0 and key == "alpha" else None
                axis.plot(
                    steps, values, color=color, marker=".", linewidth=1, label=label
                )
                if number:
                    axis.plot(steps[0], values[0], "o", color=color, fillstyle="none")
        if member["member"] in diverged:
            axes[2].axvline(diverged[member["member"]], color=color, linestyle=":")
    axes[0].legend(fontsize="small", loc="best")
    axes[0].set_yscale("log")
    axes[1].set_yscale("log")
    axes[0].set_ylabel("alpha (codebook EMA rate)")
    axes[1].set_ylabel("beta (commitment)")
    axes[2].set_ylabel("fitness (-NLL, nats)")
    axes[2].set_xlabel("training step")
    best = summary["best"]
    axes[0].set_title(
        f"Population based training: {len(summary['members'])} members, best "
        f"fitness {best['fitness']:.3f}"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def _stretches(reports):
    """Splits a member's reports where its steps go back or stand still."""
    stretches = []
    for report in reports:
        if not stretches or report["step"] <= stretches[-1][-1]["step"]:
            stretches.append([])
        stretches[-1].append(report)
    return stretches


def _finite(value):
    return value if math.isfinite(value) else math.nan
