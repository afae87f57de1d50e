"""The trained presets that ship with keras-ada: listed, small, and loaded by
name offline into stacks that keep the pitch of what they reconstruct."""

import os

import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.audio import mu_law_decode
from keras_ada.audio import mu_law_encode
from keras_ada.evaluation.fidelity import reconstruction_fidelity
from keras_ada.models import Stack
from keras_ada.models import preset_utils

SHIPPED = ["vqvae_amae_wavenet_piano", "vqvae_vqvae_wavenet_piano"]
CARD_FIELDS = (
    "description",
    "model",
    "paper_row",
    "data",
    "scale",
    "steps",
    "training_minutes",
    "hardware",
    "eval_nll",
    "fidelity",
    "limitations",
)


def two_notes(pitches=(440.0, 659.3), seconds=0.128, sample_rate=16000):
    """Two decaying notes (A4 then E5 by default) with two harmonics each."""
    t = np.arange(int(seconds * sample_rate) // 2) / sample_rate
    notes = [
        sum(np.sin(2 * np.pi * k * pitch * t) / k for k in (1, 2)) * np.exp(-8 * t)
        for pitch in pitches
    ]
    return 0.4 * np.concatenate(notes)


def test_the_shipped_presets_are_listed_with_their_model_cards():
    presets = Stack.presets
    assert sorted(presets) == SHIPPED
    for name, metadata in presets.items():
        assert all(field in metadata for field in CARD_FIELDS), name
        assert set(metadata["fidelity"]) == {"levels_1", "levels_2"}


def test_the_shipped_presets_take_at_most_25_megabytes():
    root = preset_utils.shipped_presets_dir()
    size = sum(
        os.path.getsize(os.path.join(folder, file))
        for folder, _, files in os.walk(root)
        for file in files
        if not file.endswith((".py", ".pyc"))
    )
    assert size <= 25 * 2**20


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_preset_loads_by_name_and_keeps_the_pitch(name):
    stack = zoo.load(name)
    assert isinstance(stack, Stack) and stack.built
    audio = np.asarray(mu_law_encode(two_notes(), xp=np), "int32")[None]
    reconstruction = stack.reconstruct(audio, num_levels=1, seed=0, verbose=0)
    assert reconstruction.shape == audio.shape
    original = np.asarray(mu_law_decode(audio[0], xp=np))
    scores = reconstruction_fidelity(
        original, np.asarray(mu_law_decode(reconstruction[0], xp=np))
    )
    # The floor: two other notes (D#4 then F#4), as loud and as long.
    floor = reconstruction_fidelity(original, two_notes((311.1, 370.0)))
    assert scores["chroma_correlation"] > max(0.5, floor["chroma_correlation"])
