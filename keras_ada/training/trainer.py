"""One resumable `fit` of a model: distribution, checkpoints, TensorBoard, evaluation."""

import contextlib
import math
import os
import warnings

import keras
import numpy as np

from keras_ada import io_utils
from keras_ada.evaluation.nll import full_context_nll
from keras_ada.layers.perplexity import codebook_perplexity
from keras_ada.models.building import build_model
from keras_ada.training.checkpoint import ResumableCheckpoint
from keras_ada.training.codebook_health import CodebookMonitor
from keras_ada.training.distribution import select_distribution
from keras_ada.training.divergence import StopOnDivergence
from keras_ada.training.run_lock import RunLock
from keras_ada.training.tensorboard import TensorBoard
from keras_ada.training.tensorboard import tensorboard_available
from keras_ada.validation import check_positive_int

FINAL_MODEL = "model.keras"


def train(
    make_model,
    train_data,
    steps: int,
    output_dir: str,
    steps_per_checkpoint: int = 500,
    validation_data=None,
    validation_steps: int | None = None,
    distribution=None,
    final_model: str | None = None,
    verbose="auto",
    callbacks=(),
    log_every: int = 10,
    divergence=None,
    learning_rate: float | None = None,
):
    """Trains a model for `steps` steps in one `fit`, resuming a killed run.

    The run is one `model.fit` whose epochs are checkpoint intervals of
    `steps_per_checkpoint` steps. Its callbacks are a `ResumableCheckpoint`
    in `output_dir/checkpoint` (weights and optimizer state, including the
    Polyak averages), `keras.callbacks.SwapEMAWeights` (validation runs on the
    averaged weights) and, when the `tensorboard` package is installed, a
    `TensorBoard` in `output_dir/logs` (loss, nll and perplexity every
    `log_every` steps and per interval). If `output_dir` holds a
    checkpoint, the model is restored from it and training continues with the
    interval after it. At the end, `fit` puts the averaged weights in the
    model (`use_ema`), which is saved to `final_model`.

    Args:
        make_model: a callable returning the model, compiled or not (an
            uncompiled model gets the paper's `compile()`); it is called inside
            the distribution's scope.
        train_data: the training batches (`tf.data.Dataset`, generator or
            `PyDataset`), or a callable `f(intervals_done)` returning them, so
            a resumed run can draw different excerpts from a fresh run.
        steps: total number of training steps.
        output_dir: directory of the checkpoints, logs and final model.
        steps_per_checkpoint: steps between checkpoints; `steps` must be a
            multiple of it (when it is larger than `steps`, one checkpoint at
            the end).
        validation_data: optional batches evaluated at every checkpoint.
        validation_steps: batches of `validation_data` per evaluation.
        distribution: a `Distribution`; defaults to `select_distribution()`.
        final_model: path of the trained model; defaults to
            `output_dir/model.keras`.
        verbose: `fit`'s verbosity (1: Keras' progress bar).
        callbacks: further callbacks.
        log_every: steps between TensorBoard's batch-level summaries.
        divergence: the `StopOnDivergence` callback that stops a diverging
            run (raising `TrainingDiverged`) before its weights are saved;
            defaults to `StopOnDivergence()`; `False` trains on whatever the
            loss does (a population replaces its diverged members itself).
        learning_rate: optional learning rate that replaces the one a resumed
            run restores from its checkpoint (to resume a diverged run more
            gently).

    The chief holds a `RunLock` on `output_dir` while it trains: a second run
    on the same directory raises `RunLocked`. A finished run extended with a
    larger `steps` continues from its last checkpoint (with checkpoint
    intervals that divide both the steps done and `steps`).

    Returns:
        `(model, history)`; `history` is None when the run had already finished.
    """
    check_positive_int("steps", steps)
    check_positive_int("steps_per_checkpoint", steps_per_checkpoint)
    interval = min(steps_per_checkpoint, steps)
    if steps % interval:
        raise ValueError(
            "`steps` must be a positive multiple of `steps_per_checkpoint`. "
            f"Received: steps={steps}, steps_per_checkpoint={steps_per_checkpoint}"
        )
    distribution = distribution or select_distribution()
    final_model = final_model or os.path.join(output_dir, FINAL_MODEL)
    checkpoint = ResumableCheckpoint(
        os.path.join(output_dir, "checkpoint"), write=distribution.is_chief
    )
    lock = RunLock(output_dir) if distribution.is_chief else contextlib.nullcontext()
    with lock, distribution.scope():
        model = make_model()
        if getattr(model, "optimizer", None) is None:
            model.compile()
        model = distribution.prepare(model)
        build_model(model)
        model.optimizer.build(model.trainable_variables)
        steps_done = checkpoint.restore(model)
        if learning_rate:
            model.optimizer.learning_rate.assign(learning_rate)
        interval = math.gcd(interval, steps_done)
        epochs_done = steps_done // interval
        if steps_done >= steps and os.path.exists(final_model):
            return keras.saving.load_model(final_model), None
        data = train_data(epochs_done) if callable(train_data) else train_data
        logs = (
            _tensorboard(os.path.join(output_dir, "logs"), log_every)
            if distribution.is_chief
            else []
        )
        history = model.fit(
            data,
            epochs=steps // interval,
            steps_per_epoch=interval,
            initial_epoch=epochs_done,
            shuffle=False,
            validation_data=validation_data,
            validation_steps=validation_steps,
            callbacks=[
                *([] if divergence is False else [divergence or StopOnDivergence()]),
                CodebookMonitor(),
                checkpoint,
                keras.callbacks.SwapEMAWeights(),
                *logs,
                *callbacks,
            ],
            verbose=verbose,
        )
        # Reading distributed weights is collective: every worker saves, and
        # only the chief keeps the file.
        with io_utils.atomic_path(final_model, keep=distribution.is_chief) as path:
            model.save(path)
    return model, history


def evaluate(model, data, steps: int) -> dict:
    """Returns the NLL and code usage of a model over `steps` batches of `data`.

    Args:
        model: a `WaveNet` or an `ADA` (evaluate the averaged weights: after
            `fit`, or inside `keras.callbacks.SwapEMAWeights`).
        data: an iterable of int32 batches `(batch, time)`.
        steps: number of batches.

    Returns:
        A dict with `nll` (nats per timestep, the mean over the full-context
        timesteps, after the model's `context_length`) and,
        for an ADA, `perplexity`: the perplexity of the histogram of all the
        codes of the batches together (not a mean of per-batch values).
    """
    scores = full_context_nll(model, _take(data, steps))
    results = {"nll": scores["nll"]}
    if "codes" in scores:
        perplexity = codebook_perplexity(scores["codes"], model.num_codes)
        results["perplexity"] = float(keras.ops.convert_to_numpy(perplexity))
    return results


def _tensorboard(log_dir, log_every):
    if tensorboard_available():
        return [TensorBoard(log_dir, update_freq=log_every)]
    warnings.warn(
        "The `tensorboard` package is not installed: training runs without "
        "TensorBoard logs (`pip install tensorboard`).",
        stacklevel=3,
    )
    return []


def _take(data, steps):
    iterator = iter(data)
    for _ in range(steps):
        batch = next(iterator)
        if isinstance(batch, tuple):
            batch = batch[0]
        yield np.asarray(batch)
