"""The help and the README agree with the code."""

import pathlib
import re
import shlex

import pytest

from keras_ada import cli
from keras_ada import zoo

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("command", ["train", "tune", "reconstruct", "demo"])
def test_scale_help_lists_every_scale_and_the_default(command):
    parser, _ = cli.build_parser()
    subparser = parser._subparsers._group_actions[0].choices[command]
    [scale] = [a for a in subparser._actions if "--scale" in a.option_strings]
    assert ", ".join(zoo.SCALES) in scale.help
    assert f"(default: {scale.default}" in scale.help


def test_the_help_examples_parse():
    parser, runners = cli.build_parser()
    parsed = 0
    for command, module in runners.items():
        examples = re.findall(
            r"^    (keras-ada .+?)(?<!\\)$", module.__doc__, re.M | re.S
        )
        for example in examples:
            argv = shlex.split(example.replace("\\\n", " "), comments=True)[1:]
            parser.parse_args(argv)  # exits on an unknown option
            parsed += 1
    assert parsed >= len(runners)


def test_readme_training_commands_state_their_scale():
    commands = re.findall(
        r"^ *(?:KERAS_BACKEND=\w+ )?keras-ada (?:train|tune) .*$",
        README.read_text(),
        re.M,
    )
    assert commands
    for command in commands:
        assert "--scale" in command or "--list" in command, command
