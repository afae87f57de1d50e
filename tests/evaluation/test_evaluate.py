"""`keras_ada.evaluation.evaluate` and `keras-ada evaluate`: deterministic, full context."""

import importlib
import json

import numpy as np
import pytest

from keras_ada import evaluation
from keras_ada import zoo
from keras_ada.cli import main
from keras_ada.evaluation.nll import token_nll
from keras_ada.models import build_model


@pytest.fixture(scope="module")
def recordings():
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.integers(-3, 4, size=20000))
    return [(128 + walk % 64).astype("int32"), rng.integers(0, 256, 17000, "int32")]


def test_evaluate_is_deterministic_and_scores_full_context(recordings):
    ada = zoo.load("1.2", scale="tiny")
    options = dict(audio=recordings, length=64, fidelity_seconds=0.1, seed=1)
    first = evaluation.evaluate(ada, **options)
    assert evaluation.evaluate(ada, **options) == first
    assert set(first) == {
        "nll",
        "timesteps",
        "perplexity_per_second",
        "perplexity_pooled",
        "fidelity",
    }
    # Consecutive windows of 32 context + 64 scored steps over both recordings.
    assert first["timesteps"] == (20000 // 96 + 17000 // 96) * 64
    windows = np.stack(
        [
            r[start : start + 96]
            for r in recordings
            for start in range(0, len(r) - 95, 96)
        ]
    )
    logits = np.asarray(ada.predict_on_batch(windows)["logits"])
    expected = token_nll(logits[:, 32:], windows[:, 32:]).mean()
    assert first["nll"] == pytest.approx(expected, rel=1e-5)
    assert set(first["fidelity"]) == {"reconstruction", "floor"}
    assert set(first["fidelity"]["floor"]) == set(evaluation.MEASURES)


def test_nll_of_one_window_equals_a_hand_computation(recordings):
    model = zoo.load("1.1", scale="tiny")
    context = model.context_length
    audio = [recordings[0][: 2 * context]]
    results = evaluation.evaluate(model, audio=audio, length=context)
    logits = np.asarray(model.predict_on_batch(audio[0][None]), "float64")
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    chosen = np.take_along_axis(log_probs, audio[0][None, :, None], -1)[..., 0]
    assert results["timesteps"] == context
    assert results["nll"] == pytest.approx(-chosen[:, context:].mean(), rel=1e-6)


def test_cli_writes_json_and_markdown(tmp_path, recordings, monkeypatch):
    model = build_model(zoo.load("1.1", scale="tiny"))
    path = str(tmp_path / "model.keras")
    model.save(path)
    module = importlib.import_module("keras_ada.evaluation.evaluate")
    monkeypatch.setattr(module, "read_recordings", lambda *a, **k: recordings)
    assert (
        main(["evaluate", path, "--row", "1.1", "--output", str(tmp_path / "e")]) == 0
    )
    saved = json.loads((tmp_path / "e" / "evaluation.json").read_text())
    assert saved["row"] == "1.1" and saved["results"]["nll"] > 0
    table = (tmp_path / "e" / "evaluation.md").read_text()
    assert "1.151" in table  # the paper's eval NLL of row 1.1, beside ours


def test_a_stack_is_evaluated_level_by_level_with_its_fidelity(recordings):
    stack = zoo.load("3.7", scale="tiny")
    results = evaluation.evaluate(stack, audio=recordings, fidelity_seconds=0.1)
    assert len(results["levels"]) == 2
    assert all(np.isfinite(level["nll"]) for level in results["levels"])
    assert "perplexity_per_second" in results["levels"][1]
    assert np.isfinite(results["prior"]["nll"])
    assert set(results["fidelity"]) == {"levels_1", "levels_2"}
