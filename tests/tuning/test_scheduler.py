"""Divergence detection and exploits of `DivergenceAwarePBT`, on stand-in trials."""

import math
import shutil

import pytest

pytest.importorskip("ray")

from ray.train._internal.session import _TrainingResult  # noqa: E402
from ray.tune import Checkpoint  # noqa: E402
from ray.tune.schedulers.pbt import _PBTTrialState  # noqa: E402

from keras_ada.tuning.scheduler import DivergenceAwarePBT  # noqa: E402
from keras_ada.tuning.trial import model_config_with  # noqa: E402


def scheduler(tmp_path):
    return DivergenceAwarePBT(
        events_path=str(tmp_path / "events.jsonl"),
        divergence_factor=2.0,
        time_attr="step",
        metric="fitness",
        mode="max",
        hyperparam_mutations={"alpha": [0.1]},
    )


@pytest.mark.parametrize(
    "nll, diverged", [(math.nan, True), (math.inf, True), (7.0, True), (5.0, False)]
)
def test_divergence(tmp_path, nll, diverged):
    pbt = scheduler(tmp_path)
    population = [object() for _ in range(3)]
    for member, value in zip(population, (nll, 3.2, 2.8)):
        pbt._losses[member] = {10: value, 20: 0.1}
    assert (pbt._divergence(population[0], 10) is not None) == diverged


def test_losses_are_compared_at_the_same_step(tmp_path):
    pbt = scheduler(tmp_path)
    pbt._losses = {"late": {10: 5.0}, "early": {10: 5.1, 50: 1.0}, "other": {50: 1.1}}
    assert pbt._divergence("late", 10) is None


def test_divergence_factor_must_exceed_one(tmp_path):
    with pytest.raises(ValueError, match="divergence_factor=1.0"):
        DivergenceAwarePBT(events_path=str(tmp_path / "e"), divergence_factor=1.0)


def test_only_a_vq_vae_is_tuned():
    with pytest.raises(ValueError, match="type 'vq'"):
        model_config_with({"quantiser": {"type": "amae"}}, 1e-3, 1.0)
    config = {"quantiser": {"type": "vq", "alpha": 0.01, "beta": 0.25}}
    tuned = model_config_with(config, 1e-3, 2.0)
    assert tuned["quantiser"] == {"type": "vq", "alpha": 1e-3, "beta": 2.0}
    assert config["quantiser"]["alpha"] == 0.01


class StandInTrial:
    def __init__(self, trial_id, checkpoint=None, finished=False, step=40):
        self.trial_id = trial_id
        self.experiment_tag = trial_id
        self.checkpoint = checkpoint
        self.latest_checkpoint_result = _TrainingResult(
            checkpoint, {"step": step, "fitness": -1.0, "nll": 1.0}
        )
        self.finished = finished
        self.status = "RUNNING"

    def is_finished(self):
        return self.finished


def write_checkpoint(directory, text):
    directory.mkdir(parents=True)
    (directory / "weights").write_text(text)
    return Checkpoint.from_directory(str(directory))


def test_an_exploiting_member_restores_its_own_copy_of_the_donors_checkpoint(
    tmp_path,
):
    pbt = scheduler(tmp_path)
    member = StandInTrial("member")
    source = tmp_path / "donor" / "checkpoint_000006"
    kept = pbt.kept_checkpoint(member, write_checkpoint(source, "step 30"))
    shutil.rmtree(source)  # the donor trains on and its checkpoints rotate
    assert kept.path == str(tmp_path / "exploits" / "member")
    assert (tmp_path / "exploits" / "member" / "weights").read_text() == "step 30"

    pbt.kept_checkpoint(member, write_checkpoint(source, "step 60"))
    assert (tmp_path / "exploits" / "member" / "weights").read_text() == "step 60"


def test_a_top_member_with_no_recorded_state_can_still_be_exploited(tmp_path):
    pbt = scheduler(tmp_path)
    checkpoint = write_checkpoint(tmp_path / "checkpoint", "step 40")
    risen = StandInTrial("risen", checkpoint)
    recorded = StandInTrial("recorded", checkpoint)
    finished = StandInTrial("finished", checkpoint, finished=True)
    never_reported = StandInTrial("never_reported")
    exploiting = StandInTrial("exploiting", checkpoint)
    members = [risen, recorded, finished, never_reported, exploiting]
    for member in members:
        pbt._trial_state[member] = _PBTTrialState(member)
        if member is not never_reported:
            pbt._latest[member] = {"step": 40, "fitness": -1.0, "nll": 1.0}
    earlier = Checkpoint.from_directory(str(tmp_path))
    pbt._trial_state[recorded].last_checkpoint = earlier
    pbt.record_missing_donor_states(exploiting, members)
    assert pbt._trial_state[risen].last_checkpoint is checkpoint
    assert pbt._trial_state[risen].last_result["step"] == 40
    assert pbt._trial_state[recorded].last_checkpoint is earlier
    assert pbt._trial_state[finished].last_checkpoint is None
    assert pbt._trial_state[never_reported].last_checkpoint is None
    assert pbt._trial_state[exploiting].last_checkpoint is None


def test_a_donor_is_recorded_with_the_result_of_its_checkpoint(tmp_path):
    # The scheduler sees a result before Ray Tune registers its checkpoint: the
    # donor's latest result (step 45) is one checkpoint ahead (step 40).
    pbt = scheduler(tmp_path)
    checkpoint = write_checkpoint(tmp_path / "checkpoint", "step 40")
    donor = StandInTrial("donor", checkpoint, step=40)
    pbt._trial_state[donor] = _PBTTrialState(donor)
    pbt._latest[donor] = {"step": 45, "fitness": -0.5, "nll": 0.5}
    pbt.record_latest(donor)
    assert pbt._trial_state[donor].last_checkpoint is checkpoint
    assert pbt._trial_state[donor].last_result["step"] == 40


class NoSaves:
    def _schedule_trial_save(self, trial, result=None):
        raise AssertionError("a member's reported checkpoint was saved again")


def test_a_top_member_is_not_saved_twice(tmp_path):
    # A second save would register the checkpoint the member has just reported
    # again, and Ray Tune's rotation of the member's checkpoints would fail.
    pbt = scheduler(tmp_path)
    checkpoint = write_checkpoint(tmp_path / "checkpoint", "step 40")
    top = StandInTrial("top", checkpoint)
    pbt._trial_state[top] = _PBTTrialState(top)
    pbt._checkpoint_or_exploit(top, NoSaves(), [top], [])
    # An exploit reads the member's latest checkpoint, registered since.
    later = write_checkpoint(tmp_path / "later", "step 45")
    top.latest_checkpoint_result = _TrainingResult(later, {"step": 45})
    assert pbt._trial_state[top].last_checkpoint.resolve().checkpoint is later
