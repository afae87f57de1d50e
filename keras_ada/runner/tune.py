"""Population based training (Ray Tune) of a VQ-VAE's alpha and beta."""

import json
import os

from keras_ada.runner.errors import UserError
from keras_ada.runner.plan import plan_training


def tune_model(
    model: str,
    output: str,
    *,
    schedule: dict | None = None,
    scale: str = "paper",
    level: int | None = None,
    steps: int | None = None,
    report_every: int = 500,
    learning_rate: float | None = None,
    fitness: str = "eval",
    fitness_steps: int = 4,
    batch_size: int | None = None,
    length: int | None = None,
    seed: int = 0,
    data_dir: str | None = None,
    config: str | None = None,
    synthetic: bool = False,
    codes_from: tuple[str, ...] = (),
    codes_dir: str | None = None,
    eval_steps: int = 10,
    overrides: dict | None = None,
    resources_per_trial: dict | None = None,
    address: str | None = None,
    verbose: int = 1,
) -> dict:
    """Trains a VQ-VAE (or a stack's VQ-VAE level) with population based training.

    As appendix A of the paper (`keras_ada.tuning.tune`): members with alpha
    and beta drawn log-uniformly, a member below the top quantile continuing
    from a better one's checkpoint with perturbed alpha and beta. Writes the
    best member's `model.keras` (or a stack's level file), `metrics.json`,
    `pbt.json`, `pbt.png` and `pbt/` (Ray Tune's experiment). Each member
    compiles the paper's optimizer with its scale's Polyak decay.

    Args:
        model: zoo name or row id of a VQ-VAE (or a stack).
        output: output directory (a stack's directory).
        schedule: keyword arguments of `keras_ada.tuning.Schedule` (default:
            appendix A's population, intervals and ranges).
        scale: zoo scale.
        level: for a stack, the level to train.
        steps: training steps per member (default: the scale's).
        report_every: steps between reports and checkpoints.
        learning_rate: Adam's learning rate (default: the paper's).
        fitness: rank members by minus the held-out NLL (`"eval"`) or the
            training NLL (`"train"`).
        fitness_steps: evaluation batches of the held-out fitness.
        batch_size: global batch size (default: the scale's).
        length: scored steps per excerpt (default: the row's).
        seed: random seed.
        data_dir: TFDS data directory of piano_dataset.
        config: piano_dataset builder config.
        synthetic: train on synthetic tones instead of the piano data.
        codes_from: for a single model of codes, the trained ADA `.keras`
            files (bottom first) whose codes it trains on.
        codes_dir: where the encoded piano data is written (and found again).
        eval_steps: batches of the final evaluation (0: none).
        overrides: configuration overrides, see `keras_ada.zoo.config`.
        resources_per_trial: Ray resources of one member, e.g.
            `{"cpu": 4, "gpu": 1}`.
        address: a Ray cluster to join (default: start Ray on this machine).
        verbose: Ray Tune's verbosity.

    Returns:
        The population's summary, as written to `pbt.json`.

    Example:

    ```python
    summary = keras_ada.runner.tune_model(
        "codes_vqvae_pbt", "runs/2.2", codes_from=("runs/1.2/model.keras",)
    )
    ```
    """
    try:
        from keras_ada import tuning
    except ImportError as error:
        raise UserError(
            f"keras-ada tune needs Ray Tune ({error}): pip install 'keras-ada[tune]'"
        ) from None
    from keras_ada import zoo

    plan = plan_training(
        zoo.resolve(model), output, scale, level, codes_from, codes_dir, overrides
    )
    data = _data(plan, scale, batch_size, length, data_dir, config, synthetic, seed)
    task = tuning.Task(
        model_config=plan.config,
        data=data,
        steps=steps or zoo.training_defaults(plan.config["name"], scale)["steps"],
        report_every=report_every,
        seed=seed,
        learning_rate=learning_rate,
        fitness=(
            tuning.HeldOutFitness(data, fitness_steps, seed)
            if fitness == "eval"
            else tuning.training_fitness
        ),
    )
    population = tuning.Schedule(**(schedule or {}))
    print(
        f"Population based training of {plan.config['name']} ({scale} scale): "
        f"{population.population} members x {task.steps} steps; output "
        f"{plan.work_dir}"
    )
    summary = tuning.tune(
        task,
        plan.work_dir,
        population,
        final_model=plan.final_model,
        resources_per_trial=resources_per_trial,
        address=address,
        verbose=verbose,
    )
    best = summary["best"]
    print(
        f"Best member {best['member']}: fitness {best['fitness']:.4f}, "
        f"{best['config']}; {summary['wall_time_s']:.0f} s. Model: {plan.final_model}"
    )
    if eval_steps:
        _evaluate(plan, data, seed, eval_steps)
    return summary


def _data(plan, scale, batch_size, length, data_dir, config, synthetic, seed):
    """The members' batches; the piano data is encoded once, here."""
    from keras_ada import zoo
    from keras_ada.tuning.data import ZooData

    defaults = zoo.training_defaults(plan.config["name"], scale)
    data = ZooData(
        length=zoo.context_length(plan.config) + (length or defaults["length"]),
        batch_size=batch_size or defaults["batch_size"],
        level_paths=plan.level_paths,
        codes_dir=plan.codes_dir,
        data_dir=data_dir,
        config=config,
        synthetic=synthetic,
    )
    if plan.level_paths and not synthetic:
        print(f"Encoding the piano data into {plan.codes_dir} (once)...")
        for split in ("train", "eval"):
            data(split, seed)
    return data


def _evaluate(plan, data, seed, eval_steps):
    """Evaluates the best member and writes `metrics.json`."""
    import keras

    from keras_ada import training

    model = keras.saving.load_model(plan.final_model)
    metrics = {
        split: training.evaluate(model, data(split, seed), eval_steps)
        for split in ("train", "eval")
    }
    training.write_json(os.path.join(plan.work_dir, "metrics.json"), metrics)
    print(json.dumps(metrics))
    return metrics
