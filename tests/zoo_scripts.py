"""The scripts of `zoo/` as modules, for their tests."""

import importlib.util
import pathlib

ZOO = pathlib.Path(__file__).resolve().parents[1] / "zoo"


def load_zoo_script(name):
    """Imports `zoo/<name>.py` (not a package) and returns it as a module."""
    spec = importlib.util.spec_from_file_location(name, ZOO / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
