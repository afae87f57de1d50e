"""`zoo/presets.py` end to end at the tiny scale."""

import json
import pathlib

import pytest
from zoo_scripts import load_zoo_script

from keras_ada.models import Stack
from keras_ada.models import StackDirectory


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
    # Level 1 trained further: the prior trains again on its new codes.
    arguments[arguments.index("--steps") + 2] = "4"
    recipe.main(arguments + ["--presets", "vqvae_vqvae_wavenet_piano"])
    assert "Level 1 trained further" in capsys.readouterr().out
    card = json.loads(
        (installed / "vqvae_vqvae_wavenet_piano" / "metadata.json").read_text()
    )
    assert card["steps"] == {"level_0": 2, "level_1": 4, "prior": 2}


@pytest.mark.backend_neutral
def test_a_level_trained_further_removes_the_levels_above(tmp_path):
    recipe = load_zoo_script("presets")
    directory = StackDirectory(str(tmp_path), num_levels=2)
    for level in range(3):
        pathlib.Path(directory.model_file(level)).write_text("weights")
        pathlib.Path(directory.run_dir(level)).mkdir()
        if level:
            pathlib.Path(directory.codes_dir(level)).mkdir()
    timing = {"level_0": 1.0, "level_1": 2.0, "prior": 3.0}
    recipe.remove_levels_above(directory, 1, timing)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "codes_level_1",
        "level_0",
        "level_0.keras",
        "level_1",
        "level_1.keras",
    ]
    assert timing == {"level_0": 1.0, "level_1": 2.0}
