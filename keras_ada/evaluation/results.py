"""Writing evaluation results: a JSON file and a markdown table."""

import os

from keras_ada.evaluation.table import markdown_lines
from keras_ada.evaluation.table import markdown_table
from keras_ada.io_utils import write_json


def write_results(directory: str, results: dict, row=None, name: str = "") -> tuple:
    """Writes `evaluation.json` and `evaluation.md` to `directory`; returns their paths."""
    os.makedirs(directory, exist_ok=True)
    json_path = os.path.join(directory, "evaluation.json")
    write_json(json_path, {"row": row, "name": name, "results": results})
    markdown_path = os.path.join(directory, "evaluation.md")
    with open(markdown_path, "w") as file:
        file.write(markdown_table(markdown_lines(results, row, name)) + "\n")
    return json_path, markdown_path
