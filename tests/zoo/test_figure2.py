"""`zoo/figure2.py` end to end on a tiny run."""

import json

import numpy as np
import pytest
from zoo_scripts import load_zoo_script

import keras_ada


@pytest.mark.backend_neutral
@pytest.mark.xdist_group("embedded_mini")
def test_figure2_draws_both_profiles_and_checks_them(embedded_mini, tmp_path, capsys):
    ada = keras_ada.zoo.load("vqvae_hop8", scale="tiny")
    ada(np.zeros((1, 64), "int32"))
    ada.save(tmp_path / "level1.keras")
    output = tmp_path / "figure2"
    load_zoo_script("figure2").main(
        [
            "--output",
            str(output),
            "--level1",
            str(tmp_path / "level1.keras"),
            "--data-dir",
            str(embedded_mini),
            "--seconds",
            "2",
            "--max-r",
            "2",
            "--hidden",
            "8",
            "--length",
            "16",
            "--steps-per-check",
            "3",
            "--max-checks",
            "2",
        ]
    )
    results = json.loads((output / "figure2.json").read_text())
    assert [p["r"] for p in results["codes"]] == [0, 1, 2]
    assert [p["r"] for p in results["waveform"]] == [0, 1, 2]
    assert 1 <= results["codebook_perplexity"] <= 256
    assert (output / "figure2.png").read_bytes()[:4] == b"\x89PNG"
    report = (output / "figure2.md").read_text()
    assert "The codes profile is" in report and "(b) codes are" in report
    printed = capsys.readouterr().out
    assert "codebook perplexity" in printed and "profile" in printed
