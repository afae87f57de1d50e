"""`keras_ada.runner.train_model` trains a zoo model resumably, or refuses clearly."""

import os

import keras
import pytest

from keras_ada import runner
from keras_ada import zoo

TINY = dict(scale="tiny", synthetic=True, length=64, batch_size=2, verbose=0)


def test_train_model_writes_the_model_and_its_metrics(tmp_path):
    output = str(tmp_path / "1.2")
    metrics = runner.train_model("1.2", output, steps=2, eval_steps=1, **TINY)
    assert set(metrics) == {"train", "eval"}
    assert set(metrics["eval"]) == {"nll", "perplexity"}
    model = keras.saving.load_model(os.path.join(output, "model.keras"))
    scale_decay = zoo.training_defaults("vqvae_hop8", "tiny")["ema_momentum"]
    assert model.optimizer.ema_momentum == scale_decay
    assert runner.train_model("1.2", output, steps=2, eval_steps=1, **TINY) == metrics


@pytest.mark.backend_neutral
def test_train_model_takes_the_learning_rate_and_decay(tmp_path):
    output = str(tmp_path / "run")
    runner.train_model(
        "vqvae_hop8",
        output,
        steps=1,
        eval_steps=0,
        learning_rate=1e-3,
        ema_momentum=0.5,
        **TINY,
    )
    model = keras.saving.load_model(os.path.join(output, "model.keras"))
    assert model.optimizer.ema_momentum == 0.5
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


@pytest.mark.backend_neutral
@pytest.mark.parametrize(
    "model, options, message",
    [
        ("vqvae_hop8", dict(level=0), "--level is only for stacks"),
        ("vqvae_wavenet", {}, "choose --level 0..1"),
        ("vqvae_wavenet", dict(level=1), "Level 0 of vqvae_wavenet is not trained"),
        ("codes_amae_rf64", {}, "models code sequences"),
        ("2.2", {}, "population based training"),
    ],
)
def test_train_model_refuses_what_cannot_be_trained(tmp_path, model, options, message):
    with pytest.raises(runner.UserError, match=message):
        runner.train_model(
            model, str(tmp_path), scale="tiny", synthetic=True, **options
        )
    assert not os.path.exists(tmp_path / "checkpoint")


@pytest.mark.backend_neutral
def test_a_level_whose_levels_below_are_untrained_leaves_nothing(tmp_path):
    output = tmp_path / "stack"
    with pytest.raises(runner.UserError, match="Level 0 .* is not trained yet"):
        runner.train_model(
            "vqvae_wavenet", str(output), scale="tiny", level=1, synthetic=True
        )
    assert not output.exists()
