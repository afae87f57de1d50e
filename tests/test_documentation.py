"""The documentation runs: README snippets, docstring examples, the lazy API."""

import doctest
import importlib
import os
import pathlib
import pkgutil
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from keras import ops

import keras_ada

ROOT = pathlib.Path(__file__).resolve().parents[1]
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


# Imported by the library on the PyTorch backend only (it imports PyTorch's
# compiler: seconds for every test process on the other backends).
TORCH_ONLY_MODULES = ("keras_ada.sampling.torch_loop",)


def public_modules():
    names = ["keras_ada"]
    for module in pkgutil.walk_packages(keras_ada.__path__, "keras_ada."):
        if module.name.endswith("__main__"):
            continue
        if module.name in TORCH_ONLY_MODULES and keras.backend.backend() != "torch":
            continue
        names.append(module.name)
    return names


def docstring_examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    globs = {"keras": keras, "keras_ada": keras_ada, "np": np, "ops": ops}
    examples = []
    for name in public_modules():
        module = importlib.import_module(name)
        for test in finder.find(module, extraglobs=globs):
            if test.examples and not test.name.split(".")[-1].startswith("_"):
                examples.append(pytest.param(test, id=test.name))
    return examples


def readme_snippets():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


# Once, not per backend, as the README snippets: the tests of the layers,
# models and sampling run on each backend what the examples show.
@pytest.mark.backend_neutral
@pytest.mark.parametrize("test", docstring_examples())
def test_docstring_example_runs(test):
    keras.utils.set_random_seed(0)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {test.name} failed"


def test_readme_has_python_snippets():
    assert readme_snippets()


@pytest.mark.backend_neutral
@pytest.mark.xdist_group("embedded_mini")
@pytest.mark.parametrize("index", range(len(readme_snippets())))
def test_readme_snippet_runs(index, request, tmp_path, monkeypatch):
    """Each snippet runs where `make data` has built the data (`demo/data`);
    the others do not wait for its build."""
    snippet = readme_snippets()[index]
    if "demo/data" in snippet:
        (tmp_path / "demo").mkdir()
        (tmp_path / "demo" / "data").symlink_to(
            request.getfixturevalue("embedded_mini")
        )
    monkeypatch.chdir(tmp_path)
    keras.utils.set_random_seed(0)
    exec(compile(snippet, f"README.md snippet {index}", "exec"), {})


@pytest.mark.backend_neutral  # its own process, on JAX
def test_import_registers_every_class_and_names_every_subpackage():
    script = (
        "import sys, keras, keras_ada\n"
        "for name in ('ADA', 'WaveNet', 'Stack', 'Encoder', 'Modulator',\n"
        "             'VectorQuantiser', 'ArgmaxQuantiser', 'ResidualGatedBlock'):\n"
        "    assert keras.saving.get_registered_object('keras_ada>' + name), name\n"
        "assert 'tensorflow' not in sys.modules, 'import keras_ada imported TensorFlow'\n"
        "assert set(keras_ada.__all__) <= set(dir(keras_ada))\n"
        "for name in keras_ada.__all__:\n"
        "    assert getattr(keras_ada, name).__name__ == 'keras_ada.' + name\n"
        "try:\n"
        "    keras_ada.no_such_module\n"
        "except AttributeError as error:\n"
        "    assert 'no_such_module' in str(error)\n"
        "else:\n"
        "    raise AssertionError('an unknown attribute did not raise')\n"
    )
    environment = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=str(ROOT))
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
