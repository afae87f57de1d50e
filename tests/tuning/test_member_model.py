"""A member of a population compiles the paper's optimizer with its scale's decay."""

import pytest

from keras_ada import zoo
from keras_ada.tuning.trial import member_model


@pytest.mark.parametrize("scale", ["paper", "tiny"])
def test_member_optimizer_has_the_scale_polyak_decay(scale):
    model = member_model(zoo.config("codes_vqvae_pbt", scale), learning_rate=1e-3)
    expected = zoo.training_defaults("codes_vqvae_pbt", scale)["ema_momentum"]
    assert model.optimizer.use_ema
    assert model.optimizer.ema_momentum == expected
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


def test_paper_scale_members_average_over_ten_thousand_steps():
    model = member_model(zoo.config("codes_vqvae_pbt", "paper"))
    assert model.optimizer.ema_momentum == 0.9999
