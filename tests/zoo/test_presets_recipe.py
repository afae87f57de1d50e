"""`zoo/presets.py` end to end at the tiny scale."""

import json

import pytest
from zoo_scripts import load_zoo_script

from keras_ada.models import Stack


@pytest.mark.slow
@pytest.mark.xdist_group("embedded_mini")
def test_the_recipe_trains_evaluates_and_installs_both_presets(
    embedded_mini, tmp_path, capsys
):
    output, installed = tmp_path / "runs", tmp_path / "presets"
    recipe = load_zoo_script("presets")
    arguments = ["--output", str(output), "--data-dir", str(embedded_mini)]
    arguments += [
        "--config",
        "embedded_mini",
        "--scale",
        "tiny",
        "--steps",
        "2",
        "2",
        "2",
    ]
    arguments += ["--eval-seconds", "1", "--fidelity-excerpts", "1"]
    arguments += ["--fidelity-seconds", "0.25", "--install", str(installed)]
    recipe.main(arguments)
    assert "Level 0 shared with vqvae_vqvae_wavenet_piano" in capsys.readouterr().out
    for name in recipe.PRESETS:
        card = json.loads((installed / name / "metadata.json").read_text())
        assert card["steps"] == {"level_0": 2, "level_1": 2, "prior": 2}
        assert card["scale"] == "tiny" and "tiny scale" in card["description"]
        assert set(card["eval_nll"]) == {"level_0", "level_1", "prior"}
        assert (output / name / "card.md").read_text().startswith(f"### `{name}`")
        stack = Stack.from_preset(str(installed / name))
        assert stack.num_levels == 2
    # A second run finds every level of both presets trained.
    recipe.main(arguments)
    assert capsys.readouterr().out.count("Already trained") == 6
