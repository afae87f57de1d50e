import pytest

from keras_ada import zoo


@pytest.fixture(scope="session")
def stack():
    """The tiny `vqvae_amae_wavenet` stack (VQ-VAE, AMAE on its codes, prior), built."""
    stack = zoo.load("vqvae_amae_wavenet", scale="tiny")
    for model in stack.models:
        zoo.build_model(model)
    return stack
