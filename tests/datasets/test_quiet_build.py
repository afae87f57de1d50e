"""Importing the TFDS builder drops the noise of a build, as `tfds build`
imports it: the libraries' logged messages and TensorFlow's C++ lines."""

import os
import subprocess
import sys

import keras_ada

NOISE = [
    (
        "apache_beam.typehints.native_type_compatibility",
        'Converting string literal type hint to Any: "int"',
    ),
    ("apache_beam.options.pipeline_options", "Unparseable argument: --config"),
    ("absl", "`FeatureConnector.dtype` is deprecated. Please change your code"),
]
REAL = [
    ("apache_beam.options.pipeline_options", "Unparseable argument: --typo"),
    ("keras_ada.datasets", "Skipped a.wav: silent"),
]
NATIVE = (
    "I0000 00:00:1796367345.715075   23989 port.cc:153] oneDNN custom operations "
    "are on. You may see slightly different numerical results."
)
PRINTED = (
    "WARNING:root:apitools not found, and bigquery client libraries are not "
    "available despite the import not raising an ImportError."
)
SCRIPT = f"""
import logging, os
from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder
for name, message in {NOISE + REAL!r}:
    logging.getLogger(name).warning(message)
os.write(2, b"Generating examples...: 0 examples" + {NATIVE!r}.encode() + b"\\n")
os.write(2, {PRINTED!r}.encode() + b"\\n")  # as a worker process prints it
"""


def test_importing_the_builder_drops_the_noise_of_a_build():
    root = os.path.dirname(os.path.dirname(keras_ada.__file__))
    env = {**os.environ, "PYTHONPATH": root, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "build", "--config"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    for _, message in NOISE:
        assert message not in result.stderr
    for _, message in REAL:
        assert message in result.stderr
    assert "oneDNN" not in result.stderr and "apitools" not in result.stderr
    assert "Generating examples...: 0 examples" in result.stderr
