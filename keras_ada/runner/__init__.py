"""The jobs of the `keras-ada` command line, as Python functions.

Each subcommand of `keras-ada` parses its options and calls one of these:
`train_model` (`keras-ada train`), `tune_model` (`tune`), `sample_to_files`
(`sample`), `reconstruct_files` (`reconstruct`), `evaluate_run` (`evaluate`),
`report_runs` (`report`), `run_demo` (`demo`) and `build_data` (`data
build`). A mistake in what is asked
for raises `UserError`, a `ValueError` the command line reports as one line.
Importing this package is quick: Keras and TensorFlow are imported when a
function needs them.
"""

from keras_ada.runner.data import build_data
from keras_ada.runner.demo import run_demo
from keras_ada.runner.errors import UserError
from keras_ada.runner.evaluate import evaluate_run
from keras_ada.runner.load import load_model
from keras_ada.runner.reconstruct import reconstruct_files
from keras_ada.runner.report import report_runs
from keras_ada.runner.sample import sample_to_files
from keras_ada.runner.train import train_model
from keras_ada.runner.tune import tune_model

__all__ = [
    "UserError",
    "build_data",
    "evaluate_run",
    "load_model",
    "reconstruct_files",
    "report_runs",
    "run_demo",
    "sample_to_files",
    "train_model",
    "tune_model",
]
