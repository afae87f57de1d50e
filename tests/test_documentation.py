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


def public_modules():
    names = ["keras_ada"]
    for module in pkgutil.walk_packages(keras_ada.__path__, "keras_ada."):
        if not module.name.endswith("__main__"):
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


@pytest.mark.parametrize("test", docstring_examples())
def test_docstring_example_runs(test):
    keras.utils.set_random_seed(0)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {test.name} failed"


def test_readme_has_python_snippets():
    assert readme_snippets()


@pytest.mark.parametrize("index", range(len(readme_snippets())))
def test_readme_snippet_runs(index):
    keras.utils.set_random_seed(0)
    exec(compile(readme_snippets()[index], f"README.md snippet {index}", "exec"), {})


def test_import_is_lazy_and_names_every_subpackage():
    script = (
        "import sys, keras_ada\n"
        "assert 'keras' not in sys.modules, 'import keras_ada imported Keras'\n"
        "assert set(keras_ada.__all__) <= set(dir(keras_ada))\n"
        "keras_ada.layers, keras_ada.models, keras_ada.sampling, keras_ada.ops, keras_ada.audio\n"
        "assert 'tensorflow' not in sys.modules, 'the models imported TensorFlow'\n"
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
