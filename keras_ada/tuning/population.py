"""Population based training of a VQ-VAE's alpha and beta on Ray Tune (appendix A)."""

import dataclasses
import json
import os
import random
import shutil
import time
import warnings
from collections.abc import Callable

from keras_ada.tuning.report import write_report
from keras_ada.tuning.trial import FINAL_MODEL
from keras_ada.tuning.trial import REPORTS_FILE
from keras_ada.tuning.trial import WORK_DIR
from keras_ada.tuning.trial import run_member
from keras_ada.tuning.trial import training_fitness

EXPERIMENT = "pbt"
EVENTS_FILE = "pbt_events.jsonl"
EXPLOITS_DIR = "exploits"  # donors' checkpoints while exploiting members restart


@dataclasses.dataclass
class Task:
    """What every member trains: sent to Ray Tune's workers, so picklable.

    Args:
        model_config: a zoo ADA configuration with a `"vq"` quantiser (its
            `alpha` and `beta` are the member's).
        data: `data(split, seed)` returning training batches.
        steps: training steps of each member.
        report_every: steps between reports (and checkpoints); divides
            `perturbation_interval` and `burn_in`.
        seed: the population's seed; member `i` trains with `seed + i`.
        learning_rate: Adam's learning rate (None: the paper's).
        fitness: `fitness(model, logs) -> float`, see `training_fitness`.
        callbacks: optional `callbacks(config) -> list` of further Keras
            callbacks of a member.
    """

    model_config: dict
    data: Callable
    steps: int
    report_every: int = 500
    seed: int = 0
    learning_rate: float | None = None
    fitness: Callable = training_fitness
    callbacks: Callable | None = None


@dataclasses.dataclass
class Schedule:
    """The population and its perturbations; the defaults are appendix A's.

    Args:
        population: number of members.
        perturbation_interval: steps between a member's chances to exploit.
        burn_in: steps without any perturbation at the start.
        alpha_range: `alpha` is drawn log-uniformly from this range.
        beta_range: `beta` is drawn log-uniformly from this range.
        perturbation_factors: an explored value is multiplied by one of these.
        quantile_fraction: the bottom fraction exploits the top fraction.
        divergence_factor: a loss above this times the population's median
            (or a non-finite one) is a divergence.
    """

    population: int = 20
    perturbation_interval: int = 5000
    burn_in: int = 10000
    alpha_range: tuple = (1e-4, 1e-2)
    beta_range: tuple = (0.1, 10.0)
    perturbation_factors: tuple = (0.8, 1.2)
    quantile_fraction: float = 0.25
    divergence_factor: float = 2.0


def tune(
    task: Task,
    output_dir: str,
    schedule: Schedule | None = None,
    final_model: str | None = None,
    resources_per_trial: dict | None = None,
    address: str | None = None,
    verbose: int = 1,
) -> dict:
    """Trains a population with Ray Tune's `PopulationBasedTraining`.

    Ray is started on this machine (`ray.init()`) unless it already runs in
    this process or `address` names a cluster to join. Every member trains
    `task.steps` steps with `keras_ada.training.train`; the run is kept in
    `output_dir/pbt/` (Ray Tune's experiment). At the end the fittest
    member's `model.keras` (Polyak-averaged weights) is copied to
    `final_model`, and `output_dir` receives `pbt.json` (every member's
    hyperparameters and fitness over time, the exploits and divergences) and
    `pbt.png` (their plot).

    Args:
        task: what each member trains, a `Task`.
        output_dir: the run directory.
        schedule: a `Schedule` (default: appendix A's).
        final_model: path of the best model (default `output_dir/model.keras`).
        resources_per_trial: Ray resources of one member, e.g.
            `{"cpu": 4, "gpu": 1}`; default: the cluster's CPUs shared
            equally by the population.
        address: a Ray cluster to join (`"auto"`, `"ray://host:10001"`, ...).
        verbose: Ray Tune's verbosity (0 silent, 1 progress table).

    Returns:
        The summary written to `pbt.json`.
    """
    import ray
    from ray import tune as ray_tune
    from ray.tune.search.basic_variant import BasicVariantGenerator

    from keras_ada.tuning.scheduler import DivergenceAwarePBT

    schedule = schedule or Schedule()
    _check(task, schedule)
    output_dir = os.path.abspath(output_dir)
    final_model = final_model or os.path.join(output_dir, FINAL_MODEL)
    experiment_dir = os.path.join(output_dir, EXPERIMENT)
    if os.path.exists(experiment_dir):
        raise FileExistsError(
            f"{experiment_dir} holds an earlier population: choose another output "
            "directory or remove it."
        )
    os.makedirs(experiment_dir)
    events_path = os.path.join(output_dir, EVENTS_FILE)
    started_ray = not ray.is_initialized()
    if started_ray:
        ray.init(address=address)
    try:
        resources = resources_per_trial or {
            "cpu": ray.cluster_resources()["CPU"] / schedule.population
        }
        search_space = {
            "alpha": ray_tune.loguniform(*schedule.alpha_range),
            "beta": ray_tune.loguniform(*schedule.beta_range),
        }
        random.seed(task.seed)  # Ray's exploit and explore draw from `random`.
        scheduler = DivergenceAwarePBT(
            events_path=events_path,
            exploits_dir=os.path.join(output_dir, EXPLOITS_DIR),
            divergence_factor=schedule.divergence_factor,
            last_step=task.steps,
            time_attr="step",
            perturbation_interval=schedule.perturbation_interval,
            burn_in_period=schedule.burn_in,
            hyperparam_mutations=search_space,
            resample_probability=0.0,
            perturbation_factors=schedule.perturbation_factors,
            quantile_fraction=schedule.quantile_fraction,
        )
        tuner = ray_tune.Tuner(
            ray_tune.with_resources(
                ray_tune.with_parameters(run_member, task=task), resources
            ),
            param_space=search_space,
            tune_config=ray_tune.TuneConfig(
                metric="fitness",
                mode="max",
                num_samples=schedule.population,
                scheduler=scheduler,
                search_alg=BasicVariantGenerator(random_state=task.seed),
                reuse_actors=False,
            ),
            run_config=ray_tune.RunConfig(
                name=EXPERIMENT,
                storage_path=output_dir,
                verbose=verbose,
                # A donor's checkpoint is recorded at each of its perturbations:
                # keep every checkpoint of one interval, and the one before.
                checkpoint_config=ray_tune.CheckpointConfig(
                    num_to_keep=schedule.perturbation_interval // task.report_every + 2
                ),
            ),
        )
        start = time.monotonic()
        results = tuner.fit()
        wall_time = time.monotonic() - start
    finally:
        if started_ray:
            ray.shutdown()
        shutil.rmtree(os.path.join(output_dir, EXPLOITS_DIR), ignore_errors=True)
    members = _members(results)
    finished = [member for member in members if member["error"] is None]
    for member in members:
        if member["error"] is not None:
            warnings.warn(f"Member {member['member']} failed: {member['error']}")
    if not finished:
        raise RuntimeError(
            f"No member of the population finished: see {experiment_dir}"
        )
    best = max(finished, key=lambda member: member["reports"][-1]["fitness"])
    os.makedirs(os.path.dirname(final_model), exist_ok=True)
    shutil.copyfile(os.path.join(best["path"], WORK_DIR, FINAL_MODEL), final_model)
    summary = {
        "schedule": dataclasses.asdict(schedule),
        "steps": task.steps,
        "report_every": task.report_every,
        "seed": task.seed,
        "resources_per_trial": resources,
        "wall_time_s": wall_time,
        "best": {
            "member": best["member"],
            "fitness": best["reports"][-1]["fitness"],
            "config": best["config"],
            "model": final_model,
        },
        "members": [
            {key: value for key, value in member.items() if key != "path"}
            for member in members
        ],
        "events": _events(events_path),
    }
    write_report(summary, output_dir)
    return summary


def _check(task, schedule):
    if schedule.population < 2:
        raise ValueError(
            "A population needs at least 2 members. Received: population="
            f"{schedule.population}"
        )
    for name in ("perturbation_interval", "burn_in", "steps"):
        value = getattr(task, name) if name == "steps" else getattr(schedule, name)
        if value % task.report_every:
            raise ValueError(
                f"`{name}` must be a multiple of the reporting interval "
                f"report_every={task.report_every}. Received: {name}={value}"
            )


REPORTED = ("step", "alpha", "beta", "fitness", "loss", "nll", "perplexity")
DIGESTS = (
    "state_digest",
    "codebook_digest",
    "restored_state_digest",
    "restored_codebook_digest",
)


def _members(results):
    """Every member's reports, from the record each member keeps (`ReportToTune`)."""
    members = []
    for result in results:
        path = os.path.join(result.path, WORK_DIR, REPORTS_FILE)
        if not os.path.exists(path):
            continue
        with open(path) as file:
            rows = [json.loads(line) for line in file if line.strip()]
        if not rows:
            continue
        reports = []
        for row in rows:
            report = {key: float(row[key]) for key in REPORTED if key in row}
            report["step"] = int(report["step"])
            report.update({key: row[key] for key in DIGESTS if key in row})
            reports.append(report)
        members.append(
            {
                "member": rows[-1]["member"],
                "config": dict(result.config),
                "reports": reports,
                "error": None if result.error is None else str(result.error),
                "path": result.path,
            }
        )
    return members


def _events(path):
    if not os.path.exists(path):
        return []
    with open(path) as file:
        return [json.loads(line) for line in file if line.strip()]
