"""Training a zoo model, or one level of a zoo stack, resumably."""

import functools
import json
import os

from keras_ada.runner.plan import check_not_tuned
from keras_ada.runner.plan import plan_training
from keras_ada.runner.run_data import write_run_data

TRAIN_SPLIT = "train"
EVAL_SPLIT = "eval"
SYNTHETIC_EVAL_SEED = 7919  # offset giving synthetic evaluation data its own stream


def train_model(
    model: str,
    output: str,
    *,
    scale: str = "paper",
    level: int | None = None,
    steps: int | None = None,
    learning_rate: float | None = None,
    ema_momentum: float | None = None,
    batch_size: int | None = None,
    length: int | None = None,
    seed: int = 0,
    data_dir: str | None = None,
    config: str | None = None,
    synthetic: bool = False,
    codes_from: tuple[str, ...] = (),
    codes_dir: str | None = None,
    checkpoint_every: int = 500,
    eval_steps: int = 10,
    max_loss_ratio: float = 1000.0,
    overrides: dict | None = None,
    mixed_precision: str | None = None,
    pbt_baseline: bool = False,
    verbose: int = 1,
) -> dict:
    """Trains a zoo model (or one level of a stack) into `output`, resumably.

    Calling it again after the run was killed resumes it from its last
    checkpoint (`keras_ada.training.train`); calling it on a finished run
    does no training. Writes `model.keras` (Polyak-averaged weights),
    `metrics.json`, `checkpoint/`, `logs/` (TensorBoard) and, in `output`,
    `data.json` (the data, which `evaluate_run` reads by default). A stack trains
    level by level into one directory (`keras_ada.models.StackDirectory`),
    which `keras_ada.models.Stack.load` reads once every level is trained.

    Args:
        model: zoo name or row id.
        output: output directory (a stack's directory).
        scale: zoo scale: `"paper"`, `"small"`, `"tiny"`, ...
        level: for a stack, `0..n-1` trains ADA level `i`, `n` the prior.
        steps: training steps (default: the scale's).
        learning_rate: Adam's learning rate (default: the paper's 2e-4).
        ema_momentum: Polyak averaging decay (default: the scale's).
        batch_size: global batch size (default: the scale's).
        length: scored steps per excerpt; excerpts are one receptive field
            longer (default: the row's).
        seed: random seed.
        data_dir: TFDS data directory of piano_dataset.
        config: piano_dataset builder config.
        synthetic: train on synthetic tones instead of the piano data.
        codes_from: for a single model of codes, the trained ADA `.keras`
            files (bottom first) whose codes it trains on.
        codes_dir: where the encoded piano data is written (and found again).
        checkpoint_every: steps between checkpoints.
        eval_steps: evaluation batches per checkpoint and at the end (0: none).
        max_loss_ratio: stop when the loss exceeds this multiple of its
            recent level (`keras_ada.training.divergence.StopOnDivergence`).
        overrides: configuration overrides, see `keras_ada.zoo.config`.
        mixed_precision: a Keras dtype policy such as `"mixed_bfloat16"`.
        pbt_baseline: train a model the paper trains with population based
            training (`tune_model`) with fixed alpha and beta instead.
        verbose: `fit` verbosity.

    Returns:
        The final evaluation, `{"train": {...}, "eval": {...}}` (NLL and
        perplexity); an earlier run's when the model was already trained;
        empty when `eval_steps` is 0.

    Example:

    ```python
    metrics = keras_ada.runner.train_model(
        "vqvae_hop8", "runs/1.2", scale="tiny", steps=200, synthetic=True
    )
    keras_ada.runner.train_model("vqvae_amae_wavenet", "runs/3.7", level=0)
    keras_ada.runner.train_model("vqvae_amae_wavenet", "runs/3.7", level=1)
    ```
    """
    import keras

    from keras_ada import training
    from keras_ada import zoo
    from keras_ada.training.divergence import StopOnDivergence

    keras.utils.set_random_seed(seed)
    if mixed_precision:
        keras.mixed_precision.set_global_policy(mixed_precision)
    name = zoo.resolve(model)
    if not pbt_baseline:
        check_not_tuned(name, scale, level, output)
    if not synthetic:
        from keras_ada import data

        data.load_builder(config or "embedded", data_dir)  # before writing anything
    plan = plan_training(name, output, scale, level, codes_from, codes_dir, overrides)
    defaults = zoo.training_defaults(plan.config["name"], scale)
    steps = steps or defaults["steps"]
    context = zoo.context_length(plan.config)
    length = context + (length or defaults["length"])
    batch_size = batch_size or defaults["batch_size"]
    distribution = training.select_distribution()
    distribution.check_batch_size(batch_size)
    batches = functools.partial(
        _batches,
        plan,
        length=length,
        batch_size=batch_size,
        synthetic=synthetic,
        data_dir=data_dir,
        config=config,
    )
    print(
        f"Training {plan.config['name']} ({scale} scale) for {steps} steps, batch "
        f"{batch_size} x ({context} context + {length - context} scored) on "
        f"{distribution.name}; output {plan.work_dir}"
    )
    write_run_data(
        output, config=config, data_dir=data_dir, length=length, synthetic=synthetic
    )
    trained, history = training.train(
        functools.partial(_compiled_model, plan.config, learning_rate, ema_momentum),
        lambda done: batches(TRAIN_SPLIT, seed + 1000 * done),
        steps=steps,
        output_dir=plan.work_dir,
        steps_per_checkpoint=checkpoint_every,
        validation_data=batches(EVAL_SPLIT, seed) if eval_steps else None,
        validation_steps=eval_steps or None,
        distribution=distribution,
        final_model=plan.final_model,
        verbose=verbose,
        learning_rate=learning_rate,
        divergence=StopOnDivergence(max_loss_ratio),
    )
    if distribution.num_processes > 1:
        from keras_ada.training.digest import state_digest

        print(
            f"Trained weights of process {distribution.process_index}: "
            f"sha256 {state_digest(trained.weights)}"
        )
    return _final_metrics(trained, history, plan, batches, seed, eval_steps)


def _final_metrics(model, history, plan, batches, seed, eval_steps):
    """Evaluates the trained model and writes `metrics.json`; an earlier run's
    metrics when there was nothing left to train (`history` is None)."""
    from keras_ada import training

    metrics_path = os.path.join(plan.work_dir, "metrics.json")
    if history is None and os.path.exists(metrics_path):
        print(f"Already trained: {plan.final_model}")
        with open(metrics_path) as file:
            return json.load(file)
    if not eval_steps:
        return {}
    metrics = {
        split: training.evaluate(model, batches(split, seed), eval_steps)
        for split in (TRAIN_SPLIT, EVAL_SPLIT)
    }
    training.write_json(metrics_path, metrics)
    print(json.dumps(metrics))
    return metrics


def _compiled_model(
    config: dict, learning_rate: float | None = None, ema_momentum: float | None = None
):
    """A zoo model compiled with the paper's optimizer; by default its
    scale's Polyak decay (the model's `ema_momentum`)."""
    from keras_ada import zoo

    model = zoo.build(config)
    model.compile(learning_rate=learning_rate, ema_momentum=ema_momentum)
    return model


def _batches(plan, split, seed, *, length, batch_size, synthetic, data_dir, config):
    """The batches of `split`: audio excerpts, or their codes under `plan.encoder`."""
    from keras_ada import data

    encoder = plan.encoder
    options = {} if config is None else {"config": config}
    if synthetic:
        seed = seed if split == TRAIN_SPLIT else seed + SYNTHETIC_EVAL_SEED
        hop = encoder.hop if encoder else 1
        audio = data.synthetic_excerpts(length * hop, batch_size, seed=seed)
        return data.code_batches(encoder, audio) if encoder else audio
    if encoder:
        return data.encoded_code_excerpts(
            encoder,
            split,
            os.path.join(plan.codes_dir, split),
            length,
            batch_size,
            data_dir=data_dir,
            seed=seed,
            **options,
        )
    return data.excerpts(
        split, length, batch_size, data_dir=data_dir, seed=seed, **options
    )
