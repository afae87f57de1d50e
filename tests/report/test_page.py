"""The report draws per-step training values and lays fidelity out as a table."""

import json

import numpy as np
from matplotlib.axes import Axes

from keras_ada.evaluation import write_results
from keras_ada.report import write_report
from keras_ada.report.curves import per_step
from keras_ada.report.curves import plot_curves


def test_per_step_undoes_keras_running_means_across_checkpoints():
    interval, every = 20, 5
    steps = np.arange(1, 61)
    values = np.linspace(5.0, 2.0, 60)  # what each step's loss was
    running = np.concatenate(
        [
            np.cumsum(chunk) / np.arange(1, interval + 1)
            for chunk in values.reshape(3, -1)
        ]
    )
    logged = steps % every == 0
    spans = per_step(steps[logged], running[logged], interval)
    expected = values.reshape(-1, every).mean(axis=1)
    np.testing.assert_allclose(spans, expected)
    assert np.all(np.diff(spans) < 0)  # no jump back up at a checkpoint


def test_every_batch_level_metric_is_drawn_per_step(tmp_path, monkeypatch):
    drawn = {}
    monkeypatch.setattr(
        Axes, "plot", lambda axis, x, y, label, **kw: drawn.update({label: y})
    )
    steps, running = np.array([2, 4, 6]), np.array([1.0, 2.0, 5.0])
    series = {
        f"train/batch_{metric}": (steps, running)
        for metric in ("loss", "nll", "perplexity")
    }
    assert plot_curves(series, str(tmp_path / "curves.png"), "run", 4)
    assert set(drawn) == set(series)
    for values in drawn.values():
        np.testing.assert_allclose(values, [1.0, 3.0, 5.0])


def test_fidelity_is_a_table_with_the_floor_beside_each(tmp_path):
    run = tmp_path / "3.7"
    fidelity = {
        "level_1": {"reconstruction": {"distance": 1.0}, "floor": {"distance": 3.0}},
        "all_levels": {"reconstruction": {"distance": 2.0}, "floor": {"distance": 3.5}},
    }
    level = {"nll": 2.0, "perplexity_per_second": 10.0, "perplexity_pooled": 20.0}
    results = {"levels": [level, level], "prior": {"nll": 1.0}, "fidelity": fidelity}
    write_results(str(run / "evaluation"), results, row="3.7", name="3.7")
    (run / "data.json").write_text(
        json.dumps(
            {"config": "recordings", "data_dir": None, "length": 9, "synthetic": False}
        )
    )
    page = open(write_report([str(run)], str(tmp_path / "report"))).read()
    assert (
        "<th>through</th><th>measure</th><th>reconstruction</th><th>floor</th>" in page
    )
    assert "<td>level 1</td><td>distance</td><td>1.000</td><td>3.000</td>" in page
    assert "<td>all levels</td><td>distance</td><td>2.000</td><td>3.500</td>" in page
    assert "fidelity (floor)" not in page
    assert "Trained on piano_dataset/recordings." in page
