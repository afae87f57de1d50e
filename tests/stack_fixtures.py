import pytest

from keras_ada import zoo
from keras_ada.models import build_model


@pytest.fixture(scope="session")
def stack():
    """The tiny `vqvae_amae_wavenet` stack (VQ-VAE, AMAE on its codes, prior), built."""
    stack = zoo.load("vqvae_amae_wavenet", scale="tiny")
    for model in stack.models:
        build_model(model)
    return stack
