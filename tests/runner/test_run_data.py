"""A run remembers its data, and evaluating it reads that data by default."""

import os

import pytest

from keras_ada import evaluation
from keras_ada import runner
from keras_ada.runner.run_data import run_data
from keras_ada.runner.run_data import write_run_data

# A run's record of its data does not depend on the backend.
pytestmark = pytest.mark.backend_neutral


def test_training_writes_the_runs_data(tmp_path):
    output = str(tmp_path / "1.2")
    runner.train_model(
        "1.2",
        output,
        scale="tiny",
        synthetic=True,
        steps=1,
        eval_steps=0,
        length=64,
        batch_size=2,
        verbose=0,
    )
    assert run_data(output) == {
        "config": "embedded",
        "data_dir": None,
        "length": 64 + 32,
        "synthetic": True,
    }
    assert run_data(os.path.join(output, "model.keras")) == run_data(output)


def test_evaluate_reads_the_runs_data_unless_told(tmp_path, monkeypatch):
    run = str(tmp_path / "run")
    data_dir = str(tmp_path / "data")
    write_run_data(
        run, config="recordings", data_dir=data_dir, length=100, synthetic=False
    )
    asked = []
    monkeypatch.setattr(
        evaluation, "evaluate", lambda run, **options: asked.append(options) or {}
    )
    monkeypatch.setattr(evaluation, "write_results", lambda *args, **kw: ("a", "b"))
    runner.evaluate_run(run)
    runner.evaluate_run(run, config="embedded_mini", data_dir="elsewhere")
    assert [(a["config"], a["data_dir"]) for a in asked] == [
        ("recordings", data_dir),
        ("embedded_mini", "elsewhere"),
    ]


def test_reconstruct_takes_an_excerpt_of_the_runs_data(tmp_path, monkeypatch):
    from keras_ada.runner import reconstruct

    run = str(tmp_path / "run")
    data_dir = str(tmp_path / "data")
    write_run_data(
        run, config="recordings", data_dir=data_dir, length=100, synthetic=False
    )
    asked = []

    def write_real_excerpt(path, seconds, data_dir, config):
        asked.append((os.path.basename(path), seconds, data_dir, config))
        return path

    monkeypatch.setattr(reconstruct, "write_real_excerpt", write_real_excerpt)
    errors = runner.reconstruct_files(run, [], str(tmp_path / "out"), seconds=2.0)
    assert asked == [("eval_excerpt.wav", 2.0, data_dir, "recordings")]
    assert "eval_excerpt.wav: no such file" in next(iter(errors.values()))
    synthetic = str(tmp_path / "synthetic")
    write_run_data(synthetic, config=None, data_dir=None, length=1, synthetic=True)
    for model in (synthetic, "vqvae_hop8"):
        with pytest.raises(runner.UserError, match="give the audio files"):
            runner.reconstruct_files(model, [], str(tmp_path / "out"))
