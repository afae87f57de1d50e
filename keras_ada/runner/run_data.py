"""The data a run trained on, remembered in its directory (`data.json`), so that
evaluating or reporting it reads the same data by default."""

import json
import os

DATA_FILE = "data.json"


def write_run_data(output: str, *, config, data_dir, length: int, synthetic: bool):
    """Writes `output/data.json`: the piano data config, its TFDS data
    directory (absolute, or None for TFDS's default), the excerpt length in
    steps of the modelled sequence, and whether the data was synthetic."""
    from keras_ada.io_utils import write_json

    os.makedirs(output, exist_ok=True)
    write_json(
        os.path.join(output, DATA_FILE),
        dict(
            config=config or "embedded",
            data_dir=os.path.abspath(data_dir) if data_dir else None,
            length=length,
            synthetic=synthetic,
        ),
    )


def run_data(run: str) -> dict:
    """The data `run` (a run or stack directory, or a `.keras` file in one)
    trained on; empty when it was not recorded.

    Example:

    >>> run_data("no/such/run")
    {}
    """
    directory = os.path.dirname(run) if run.endswith(".keras") else run
    path = os.path.join(directory, DATA_FILE)
    if not os.path.isfile(path):
        return {}
    with open(path) as file:
        return json.load(file)
