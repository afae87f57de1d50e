"""The private Ray Tune API that `DivergenceAwarePBT` builds on is still there.

Ray Tune has no public hook into the exploit step of `PopulationBasedTraining`,
so `keras_ada.tuning.scheduler` overrides and calls private methods and
attributes; `pyproject.toml` bounds Ray to the versions checked here. These
tests name what changed when a newer Ray is installed.
"""

import importlib
import inspect

import pytest

pytest.importorskip("ray")

from ray.tune.execution.tune_controller import TuneController  # noqa: E402
from ray.tune.schedulers import PopulationBasedTraining  # noqa: E402
from ray.tune.schedulers import pbt  # noqa: E402

PBT_METHODS = {
    "_exploit": ["self", "tune_controller", "trial", "trial_to_clone"],
    "_checkpoint_or_exploit": [
        "self",
        "trial",
        "tune_controller",
        "upper_quantile",
        "lower_quantile",
    ],
    "_save_trial_state": ["self", "state", "time", "result", "trial"],
}
PBT_ATTRIBUTES = ["_trial_state", "_time_attr", "_metric"]
TRIAL_STATE_ATTRIBUTES = ["last_checkpoint", "last_result"]


def parameters(function):
    return list(inspect.signature(function).parameters)


@pytest.mark.parametrize("name", sorted(PBT_METHODS))
def test_population_based_training_keeps_its_private_methods(name):
    method = getattr(PopulationBasedTraining, name, None)
    assert method is not None, (
        f"Ray Tune's PopulationBasedTraining has no `{name}` any more: "
        "keras_ada.tuning.scheduler.DivergenceAwarePBT relies on it."
    )
    assert parameters(method) == PBT_METHODS[name], (
        f"PopulationBasedTraining.{name} now takes {parameters(method)}, "
        f"not {PBT_METHODS[name]}: update DivergenceAwarePBT."
    )


def test_population_based_training_keeps_its_private_attributes():
    scheduler = PopulationBasedTraining(
        time_attr="step", metric="fitness", mode="max", hyperparam_mutations={"a": [1]}
    )
    missing = [name for name in PBT_ATTRIBUTES if not hasattr(scheduler, name)]
    assert not missing, (
        f"Ray Tune's PopulationBasedTraining has no {missing} any more: "
        "DivergenceAwarePBT relies on them."
    )
    state_source = inspect.getsource(pbt._PBTTrialState.__init__)
    missing = [
        name for name in TRIAL_STATE_ATTRIBUTES if f"self.{name}" not in state_source
    ]
    assert not missing, f"Ray Tune's _PBTTrialState has no {missing} any more."


def test_a_controller_save_still_returns_a_future_training_result():
    session = importlib.import_module("ray.train._internal.session")
    future = getattr(session, "_FutureTrainingResult", None)
    assert future is not None, (
        "ray.train._internal.session._FutureTrainingResult is gone: update "
        "keras_ada.tuning.scheduler._LatestCheckpoint."
    )
    assert parameters(future.__init__) == ["self", "future"]
    assert parameters(future.resolve) == ["self", "block"]
    assert parameters(TuneController._schedule_trial_save) == [
        "self",
        "trial",
        "result",
    ], "TuneController._schedule_trial_save changed: update _ReportedCheckpoints."
