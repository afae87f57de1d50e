"""Ray Tune's `PopulationBasedTraining`, recording its exploits and divergences.

Ray Tune has no public hook into the exploit step, so this module overrides
private methods of `PopulationBasedTraining`; `pyproject.toml` bounds Ray to
the versions that `tests/tuning/test_ray_private_api.py` checks.
"""

import json
import logging
import math
import os
import shutil
import statistics

from ray.train._internal.session import _FutureTrainingResult
from ray.tune import Checkpoint
from ray.tune.schedulers import PopulationBasedTraining
from ray.tune.schedulers import TrialScheduler

logger = logging.getLogger(__name__)


class DivergenceAwarePBT(PopulationBasedTraining):
    """`PopulationBasedTraining` that replaces diverged members at once.

    The exploit and explore steps are Ray Tune's. In addition, a member whose
    latest `loss_attr` is not finite, or more than `divergence_factor` times
    the median of the other members' values at the same step, has diverged: it is
    replaced straight away (burn-in or not) by an exploit of the fittest
    healthy member's latest checkpoint, with perturbed hyperparameters. Every
    exploit and divergence is appended as one JSON line to `events_path`, with
    the `state_digest` and `codebook_digest` that the donor reported with the
    checkpoint handed over.
    Results at `last_step` (a member's end) perturb nothing.

    The checkpoint an exploiting member continues from (the donor's, recorded
    at the donor's last perturbation, or its latest for a replacement) is
    copied to `exploits_dir/<member>` at the exploit: the donor trains on while
    the member restarts, and the donor's own checkpoints rotate
    (`CheckpointConfig(num_to_keep=...)`), which would otherwise delete the
    one the member is about to restore.

    Args:
        events_path: the JSON-lines file of events.
        divergence_factor: how far above the population's median a member's
            loss may be before it counts as diverged.
        loss_attr: the reported loss used to detect divergence.
        last_step: the members' last step (in `time_attr`), if known.
        exploits_dir: where the donors' checkpoints are copied; defaults to
            `exploits/` beside `events_path`.
        **kwargs: `PopulationBasedTraining`'s arguments.
    """

    def __init__(
        self,
        events_path,
        divergence_factor=2.0,
        loss_attr="nll",
        last_step=None,
        exploits_dir=None,
        **kwargs,
    ):
        if not divergence_factor > 1.0:
            raise ValueError(
                "Argument `divergence_factor` must be greater than 1. "
                f"Received: divergence_factor={divergence_factor}"
            )
        super().__init__(**kwargs)
        self.events_path = events_path
        self.divergence_factor = divergence_factor
        self.loss_attr = loss_attr
        self.last_step = last_step
        self.exploits_dir = exploits_dir or os.path.join(
            os.path.dirname(os.path.abspath(events_path)), "exploits"
        )
        self._latest = {}
        self._losses = {}
        self._reason = None

    def on_trial_result(self, tune_controller, trial, result):
        if (
            self.last_step is not None
            and result.get(self._time_attr, 0) >= self.last_step
        ):
            return TrialScheduler.CONTINUE
        if self.loss_attr in result and self._metric in result:
            self._latest[trial] = result
            step = result[self._time_attr]
            self._losses.setdefault(trial, {})[step] = float(result[self.loss_attr])
            reason = self._divergence(trial, step)
            donor = self._healthy_donor(trial) if reason else None
            if donor is not None:
                logger.warning(
                    "Trial %s diverged (%s): replaced by an exploit of %s.",
                    trial.trial_id,
                    reason,
                    donor.trial_id,
                )
                self._save_trial_state(
                    self._trial_state[trial], result[self._time_attr], result, trial
                )
                self.record_latest(donor)
                self._reason = f"divergence: {reason}"
                self._exploit(tune_controller, trial, donor)
                return TrialScheduler.NOOP
        return super().on_trial_result(tune_controller, trial, result)

    def _divergence(self, trial, step):
        """Why `trial` diverged at `step` (compared with the others at that step)."""
        loss = self._losses[trial][step]
        if not math.isfinite(loss):
            return f"{self.loss_attr} = {loss}"
        others = [
            losses[step]
            for other, losses in self._losses.items()
            if other is not trial and math.isfinite(losses.get(step, math.nan))
        ]
        if others and loss > self.divergence_factor * statistics.median(others):
            return (
                f"{self.loss_attr} = {loss:.4g} > {self.divergence_factor} x the "
                f"population's median {statistics.median(others):.4g}"
            )
        return None

    def _healthy_donor(self, trial):
        healthy = [
            other
            for other, result in self._latest.items()
            if other is not trial
            and not other.is_finished()
            and other.checkpoint is not None
            and self._divergence(other, result[self._time_attr]) is None
        ]
        if not healthy:
            return None
        return max(healthy, key=lambda other: self._latest[other][self._metric])

    def record_latest(self, donor):
        """Makes `donor`'s latest checkpoint, and its result, the state others exploit.

        The result is the one the checkpoint was reported with, not the
        donor's latest: Ray Tune registers a checkpoint after the scheduler
        has seen its result, so the latest result may be one checkpoint ahead.
        """
        checkpointed = donor.latest_checkpoint_result
        state = self._trial_state[donor]
        result = checkpointed.metrics
        self._save_trial_state(state, result[self._time_attr], result, donor)
        state.last_checkpoint = checkpointed.checkpoint

    def record_missing_donor_states(self, trial, upper_quantile):
        """Records the latest state of the top members that have none recorded.

        Ray Tune records a member's checkpoint only at that member's own
        perturbations, when it is among the top; a member that rose to the top
        between two of them has none, and an exploit of it would be skipped.
        Members that finished are left out: an exploit of them leaves nothing
        to train.
        """
        for donor in upper_quantile:
            if (
                donor is not trial
                and self._trial_state[donor].last_checkpoint is None
                and donor in self._latest
                and donor.checkpoint is not None
                and not donor.is_finished()
            ):
                self.record_latest(donor)

    def _checkpoint_or_exploit(
        self, trial, tune_controller, upper_quantile, lower_quantile
    ):
        if trial in lower_quantile:
            self.record_missing_donor_states(trial, upper_quantile)
        super()._checkpoint_or_exploit(
            trial, _ReportedCheckpoints(tune_controller), upper_quantile, lower_quantile
        )

    def kept_checkpoint(self, trial, checkpoint):
        """Copies the checkpoint `trial` will restart from to `exploits_dir/<trial>`.

        Any earlier copy for `trial` is replaced: `trial` restored it when it
        last restarted.

        Returns:
            The copy, a `ray.tune.Checkpoint`.
        """
        kept = os.path.join(self.exploits_dir, trial.trial_id)
        shutil.rmtree(kept, ignore_errors=True)
        checkpoint.to_directory(kept)
        return Checkpoint.from_directory(kept)

    def _exploit(self, tune_controller, trial, trial_to_clone):
        # Ray Tune restarts `trial` from the donor's recorded checkpoint.
        donor_state = self._trial_state[trial_to_clone]
        if isinstance(donor_state.last_checkpoint, Checkpoint):
            donor_state.last_checkpoint = self.kept_checkpoint(
                trial, donor_state.last_checkpoint
            )
        donor_result = donor_state.last_result or {}
        event = {
            "event": "exploit",
            "reason": self._reason or "below the top quantile",
            "member": trial.trial_id,
            "donor": trial_to_clone.trial_id,
            "step": (self._latest.get(trial) or {}).get(self._time_attr),
            "donor_step": donor_result.get(self._time_attr),
            # The state handed over: the donor's own, or the one it restarted
            # from if it was itself exploited since its last report.
            "donor_state_digest": donor_result.get("state_digest"),
            "donor_codebook_digest": donor_result.get("codebook_digest"),
            "donor_config": dict(trial_to_clone.config),
        }
        self._reason = None
        super()._exploit(tune_controller, trial, trial_to_clone)
        event["new_config"] = dict(trial.config)
        with open(self.events_path, "a") as file:
            file.write(json.dumps(event) + "\n")


class _LatestCheckpoint(_FutureTrainingResult):
    """A member's latest registered checkpoint and its result, read when needed."""

    def __init__(self, trial):
        super().__init__(future=None)
        self.trial = trial

    def resolve(self, block=True):
        return self.trial.latest_checkpoint_result


class _ReportedCheckpoints:
    """The tune controller, but a save of a member gives its latest checkpoint.

    At a top member's perturbation `PopulationBasedTraining` asks for a save,
    which a function trainable answers with the checkpoint it has just
    reported, and Ray Tune registers that checkpoint a second time: its
    rotation then fails on the second copy ("Path not found") and leaves older
    checkpoints behind. Members report a checkpoint with every result, so the
    member's latest registered one, read at the exploit, serves instead.
    """

    def __init__(self, tune_controller):
        self._tune_controller = tune_controller

    def __getattr__(self, name):
        return getattr(self._tune_controller, name)

    def _schedule_trial_save(self, trial, result=None):
        return _LatestCheckpoint(trial)
