"""The package and the zoo scripts call the runner, never the command line's argv."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARGV_CALL = re.compile(r"\bcli\.main\(|from keras_ada\.cli import main\b")


def test_no_module_calls_the_command_line():
    callers = [
        str(path.relative_to(ROOT))
        for folder in ("keras_ada", "zoo")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if ARGV_CALL.search(path.read_text())
    ]
    assert callers == ["keras_ada/__main__.py"]
