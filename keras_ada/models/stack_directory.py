"""The layout of a stack directory: the one place that knows its file names.

A stack trained level by level (`keras-ada train NAME --level i`) or saved with
`Stack.save` is a directory holding:

* `stack.json`: the format and the number of levels.
* `level_<i>.keras` for each ADA level and `prior.keras`: the trained models.
* `level_<i>/` and `prior/`: the run of each model (checkpoints, logs, metrics).
* `codes_level_<i>/`: the piano data encoded by the levels below model `i`.
"""

import json
import os

from keras_ada.io_utils import write_json

STACK_FILE = "stack.json"
FORMAT = "keras_ada.Stack"


class StackDirectory:
    """The files of a stack in a directory.

    Args:
        path: the directory.
        num_levels: the number of ADA levels, to name the files of a stack
            whose `stack.json` is not written yet; read from it by default.
    """

    def __init__(self, path: str, num_levels: int | None = None):
        self.path = path
        self._num_levels = num_levels

    def exists(self) -> bool:
        """Whether `path` is a stack directory (it holds `stack.json`)."""
        return os.path.exists(os.path.join(self.path, STACK_FILE))

    def write(self, num_levels: int):
        """Writes the `stack.json` that marks `path` as a stack directory."""
        description = {
            "format": FORMAT,
            "num_levels": num_levels,
            "files": [
                _model_name(level, num_levels) + ".keras"
                for level in range(num_levels + 1)
            ],
        }
        write_json(os.path.join(self.path, STACK_FILE), description)

    def num_levels(self) -> int:
        """The number of ADA levels, from `stack.json`."""
        filename = os.path.join(self.path, STACK_FILE)
        if not os.path.exists(filename):
            raise FileNotFoundError(
                f"{self.path!r} is not a stack directory: no {STACK_FILE}."
            )
        with open(filename) as file:
            description = json.load(file)
        if description.get("format") != FORMAT:
            raise ValueError(f"{filename!r} does not describe a {FORMAT}.")
        return int(description["num_levels"])

    def model_file(self, level: int) -> str:
        """`level_<i>.keras`, or `prior.keras` for `level == num_levels`."""
        return os.path.join(self.path, self._name(level) + ".keras")

    def trained_model_file(self, level: int) -> str:
        """`model_file(level)`, failing clearly when that model is not trained yet."""
        filename = self.model_file(level)
        if not os.path.exists(filename):
            raise FileNotFoundError(
                f"The stack in {self.path!r} has no model {level} "
                f"({os.path.basename(filename)}): train it first."
            )
        return filename

    def run_dir(self, level: int) -> str:
        """The directory of model `level`'s training run: `level_<i>/` or `prior/`."""
        return os.path.join(self.path, self._name(level))

    def codes_dir(self, level: int) -> str:
        """Where the piano data encoded for model `level` is written."""
        return os.path.join(self.path, f"codes_level_{level}")

    def _name(self, level):
        num_levels = self._num_levels
        return _model_name(
            level, self.num_levels() if num_levels is None else num_levels
        )


def _model_name(level, num_levels):
    return "prior" if level == num_levels else f"level_{level}"
