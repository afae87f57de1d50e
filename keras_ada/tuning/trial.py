"""One member of a population: the trainer's `fit`, reporting to Ray Tune.

A member is a function trainable. Each time Ray Tune starts it (at the
beginning, and again after an exploit, with the donor's checkpoint and a
perturbed configuration) it builds the model afresh from the configuration,
so the VQ-VAE's `alpha` and `beta` of the new configuration are the ones its
compiled train step uses, then restores the checkpoint (weights, the
quantiser's codebook statistics, and the optimizer's state with its Polyak
averages) and continues the run with `keras_ada.training.train`: the same
resumable `fit` as `keras-ada train`.
"""

import copy
import itertools
import json
import math
import os
import shutil
from collections.abc import Callable

import keras
import numpy as np

from keras_ada.training.digest import state_digest
from keras_ada.validation import check_positive_int

WORK_DIR = "train"
CHECKPOINT_DIR = "checkpoint"
FINAL_MODEL = "model.keras"
REPORTS_FILE = "reports.jsonl"


def training_fitness(model, logs: dict) -> float:
    """The fitness of a member: minus its training NLL over the last interval.

    Keras' epoch logs average the NLL over the reporting interval, which
    smooths it; a non-finite NLL gives `-inf`. `HeldOutFitness` ranks by the
    NLL on the evaluation split instead.

    Args:
        model: the member's model (live weights).
        logs: the epoch logs of `fit` (`loss`, `nll`, ...).

    Returns:
        A float; larger is fitter.
    """
    return _log_likelihood(float(logs["nll"]))


def _log_likelihood(nll: float) -> float:
    """Minus an NLL, the fitness; `-inf` for a non-finite NLL (a diverged member)."""
    return -nll if math.isfinite(nll) else -math.inf


class HeldOutFitness:
    """The fitness of a member: minus its NLL on held-out data.

    The paper ranks a population by log-likelihood; measured on the evaluation
    split it rewards what generalises rather than what fits the training batches.
    The first call reads `steps` batches of `data("eval", seed)` and keeps them,
    so every report of every member is scored on the same excerpts, with the
    member's live weights, over the full-context steps of each excerpt
    (`keras_ada.training.evaluate`).

    Args:
        data: `data(split, seed)` returning batches, such as
            `keras_ada.tuning.data.ZooData`.
        steps: number of evaluation batches.
        seed: seed of the evaluation excerpts.

    Call arguments:
        model: the member's model.
        logs: the epoch logs of `fit` (unused).

    Returns:
        Minus the held-out NLL in nats per timestep; `-inf` if it is not finite.

    Example:

    >>> from keras_ada.tuning.data import ZooData
    >>> fitness = HeldOutFitness(ZooData(length=64, batch_size=2, synthetic=True))
    """

    def __init__(self, data: Callable, steps: int = 4, seed: int = 0):
        check_positive_int("steps", steps)
        self.data = data
        self.steps = steps
        self.seed = seed
        self._batches = None

    def __call__(self, model, logs: dict) -> float:
        from keras_ada.training.trainer import evaluate

        if self._batches is None:
            self._batches = [
                np.asarray(batch)
                for batch in itertools.islice(self.data("eval", self.seed), self.steps)
            ]
        return _log_likelihood(
            evaluate(model, self._batches, len(self._batches))["nll"]
        )


def model_config_with(config: dict, alpha: float, beta: float) -> dict:
    """Returns a copy of an ADA configuration with the quantiser's alpha and beta."""
    if config.get("quantiser", {}).get("type") != "vq":
        raise ValueError(
            "Population based training tunes the alpha and beta of a VQ-VAE: the "
            "model's quantiser must have type 'vq'. Received: quantiser="
            f"{config.get('quantiser')}"
        )
    config = copy.deepcopy(config)
    config["quantiser"].update(alpha=float(alpha), beta=float(beta))
    return config


def model_digests(model) -> dict:
    """Digests of the model's state and of its quantiser's codebook statistics.

    `state_digest` covers every weight of the model (the codebook included)
    and the optimizer's variables (step counter, Adam moments, Polyak
    averages); `codebook_digest` the quantiser's non-trainable weights.
    """
    optimizer = getattr(model, "optimizer", None)
    variables = list(model.weights) + list(optimizer.variables if optimizer else [])
    quantiser = getattr(model, "quantiser", None)
    return {
        "state_digest": state_digest(variables),
        "codebook_digest": state_digest(
            quantiser.non_trainable_weights if quantiser is not None else []
        ),
    }


class ReportToTune(keras.callbacks.Callback):
    """Reports each interval's metrics and checkpoint to Ray Tune.

    Put it after the trainer's `ResumableCheckpoint`, whose directory holds
    the interval's checkpoint when `on_epoch_end` runs. The first report
    of a (re)started member also carries `restored_state_digest` and
    `restored_codebook_digest`, the state it started from. Every report is
    also appended as a JSON line to `reports_path`: the member's whole
    history, across the restarts in which Ray Tune's own result files begin
    anew.

    Args:
        reports_path: the member's JSON-lines record of its reports.
        checkpoint_dir: the `ResumableCheckpoint`'s directory.
        steps_per_epoch: training steps per epoch (per report).
        fitness: `fitness(model, logs) -> float`, see `training_fitness`.
        hyperparameters: the member's configuration values to report.
    """

    def __init__(
        self, reports_path, checkpoint_dir, steps_per_epoch, fitness, hyperparameters
    ):
        super().__init__()
        self.reports_path = reports_path
        self.checkpoint_dir = checkpoint_dir
        self.steps_per_epoch = steps_per_epoch
        self.fitness = fitness
        self.hyperparameters = dict(hyperparameters)
        self._restored = None

    def on_train_begin(self, logs=None):
        self._restored = {
            f"restored_{key}": value for key, value in model_digests(self.model).items()
        }

    def on_epoch_end(self, epoch, logs=None):
        from ray import tune

        logs = {key: float(value) for key, value in (logs or {}).items()}
        metrics = {
            "member": tune.get_context().get_trial_id(),
            **logs,
            **self.hyperparameters,
            **model_digests(self.model),
            "step": (epoch + 1) * self.steps_per_epoch,
            "fitness": self.fitness(self.model, logs),
        }
        metrics.update(self._restored or {})
        self._restored = None
        with open(self.reports_path, "a") as file:
            file.write(json.dumps(metrics, allow_nan=True) + "\n")
        tune.report(
            metrics, checkpoint=tune.Checkpoint.from_directory(self.checkpoint_dir)
        )


def member_index(trial_id: str) -> int:
    """The index of a member in its population, from Ray Tune's `<run>_<index>` id."""
    index = trial_id.rsplit("_", 1)[-1]
    return int(index) if index.isdigit() else 0


def member_model(model_config: dict, learning_rate: float | None = None):
    """Builds a member's model, compiled with the paper's optimizer.

    The optimizer's Polyak decay is the model's own, its scale's (0.9999 at
    paper scale), as for a model trained alone.

    Args:
        model_config: the member's zoo configuration (its alpha and beta).
        learning_rate: Adam's learning rate (default: the paper's).

    Returns:
        The compiled model.
    """
    from keras_ada import zoo

    model = zoo.build(model_config)
    model.compile(learning_rate=learning_rate)
    return model


def run_member(config: dict, task):
    """The function trainable of one member (see the module's docstring).

    Args:
        config: Ray Tune's configuration of the member: `alpha` and `beta`.
        task: a `keras_ada.tuning.Task`.
    """
    from ray import tune

    from keras_ada.training.trainer import train

    seed = task.seed + member_index(tune.get_context().get_trial_id())
    keras.utils.set_random_seed(seed)
    work_dir = os.path.join(tune.get_context().get_trial_dir(), WORK_DIR)
    checkpoint_dir = os.path.join(work_dir, CHECKPOINT_DIR)
    final_model = os.path.join(work_dir, FINAL_MODEL)
    shutil.rmtree(checkpoint_dir, ignore_errors=True)
    if os.path.exists(final_model):
        os.remove(final_model)
    checkpoint = tune.get_checkpoint()
    if checkpoint is not None:
        checkpoint.to_directory(checkpoint_dir)
    model_config = model_config_with(task.model_config, config["alpha"], config["beta"])
    reporter = ReportToTune(
        os.path.join(work_dir, REPORTS_FILE),
        checkpoint_dir,
        task.report_every,
        task.fitness,
        {"alpha": config["alpha"], "beta": config["beta"]},
    )
    extra = task.callbacks(config) if task.callbacks else []
    train(
        lambda: member_model(model_config, task.learning_rate),
        lambda done: task.data("train", seed + 1000 * done),
        steps=task.steps,
        output_dir=work_dir,
        steps_per_checkpoint=task.report_every,
        final_model=final_model,
        verbose=0,
        callbacks=[*extra, reporter],
        # The population replaces a diverged member by an exploit of a healthy
        # one, so a member reports its loss whatever it is.
        divergence=False,
    )
