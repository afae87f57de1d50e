"""The loss counts only full-context positions, as in the paper's protocol."""

import numpy as np
import pytest
from keras import ops

from keras_ada import zoo
from keras_ada.models import WaveNet


def tiny_wavenet():
    model = WaveNet(repeats=1, stages=3, residual_channels=8, inner_channels=4)
    model.compile()
    return model


def test_perturbing_a_padded_position_changes_nothing():
    model = tiny_wavenet()
    x = np.random.default_rng(0).integers(0, 256, size=(2, 40)).astype("int32")
    logits = ops.convert_to_numpy(model(x))
    loss = float(model.compute_loss(x, None, logits))
    perturbed = logits.copy()
    perturbed[:, : model.context_length] += np.random.default_rng(1).normal(
        size=perturbed[:, : model.context_length].shape
    )
    assert float(model.compute_loss(x, None, perturbed)) == pytest.approx(loss)
    scored = logits.copy()
    scored[:, model.context_length] += 5.0 * np.eye(256)[0]
    assert float(model.compute_loss(x, None, scored)) != pytest.approx(loss)


def test_nll_equals_a_hand_computation():
    model = tiny_wavenet()
    x = np.random.default_rng(2).integers(0, 256, size=(3, 30)).astype("int32")
    logits = ops.convert_to_numpy(model(x)).astype("float64")
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    chosen = np.take_along_axis(log_probs, x[..., None], axis=-1)[..., 0]
    expected = -chosen[:, model.receptive_field :].mean()
    model.nll_tracker.reset_state()
    model.compute_loss(x, None, logits.astype("float32"))
    assert float(model.nll_tracker.result()) == pytest.approx(expected, rel=1e-5)


def test_excerpts_no_longer_than_the_context_are_rejected():
    model = tiny_wavenet()
    x = np.zeros((1, model.context_length), "int32")
    with pytest.raises(ValueError, match="context"):
        model.compute_loss(x, None, ops.convert_to_numpy(model(x)))


def test_ada_context_is_the_local_receptive_field_in_whole_codes():
    ada = zoo.load("1.7", scale="tiny")
    assert ada.receptive_field == ada.local_model.receptive_field
    assert ada.context_length % ada.hop == 0
    assert ada.receptive_field <= ada.context_length < ada.receptive_field + ada.hop


@pytest.mark.parametrize("scale", ["paper", "small", "tiny"])
@pytest.mark.parametrize("row", [row for row in zoo.rows() if not row.startswith("3")])
def test_per_row_excerpts_cover_the_receptive_field(row, scale):
    defaults = zoo.training_defaults(row, scale)
    model = zoo.build(zoo.config(row, scale))
    assert defaults["context"] == model.context_length >= model.receptive_field
    assert defaults["length"] > 0 and 0 < defaults["ema_momentum"] < 1


def test_paper_wavenet_excerpts_follow_the_paper():
    def excerpt(row):
        defaults = zoo.training_defaults(row, "paper")
        return defaults["context"] + defaults["length"]

    assert excerpt("1.1") == 2 * 6144
    assert excerpt("3.2") == 2 * excerpt("3.1")
    assert excerpt("3.3") >= 2 * 49152
