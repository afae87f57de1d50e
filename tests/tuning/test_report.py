"""The record of a population: its plot."""

import math

from keras_ada.tuning.report import _stretches
from keras_ada.tuning.report import plot_population


def report(step, alpha=1e-3, beta=1.0, fitness=-3.0):
    return {"step": step, "alpha": alpha, "beta": beta, "fitness": fitness}


def test_a_members_line_breaks_where_an_exploit_takes_it_back():
    reports = [report(5), report(10), report(5), report(10), report(10), report(15)]
    assert [[r["step"] for r in s] for s in _stretches(reports)] == [
        [5, 10],
        [5, 10],
        [10, 15],
    ]


def test_the_plot_is_written(tmp_path):
    summary = {
        "members": [
            {"member": "a", "reports": [report(5), report(10, fitness=-math.inf)]},
            {"member": "b", "reports": [report(5), report(10), report(5, alpha=2e-3)]},
        ],
        "events": [{"member": "a", "step": 10, "reason": "divergence: nll = nan"}],
        "best": {"fitness": -3.0},
    }
    plot_population(summary, str(tmp_path / "pbt.png"))
    assert (tmp_path / "pbt.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
