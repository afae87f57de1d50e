"""Predictability profiles (the paper's Figure 2): how well a sequence's past predicts it.

A small predictive model, the paper's (a causal convolution of length `r` over
one-hot classes, ReLU, linear, ReLU, linear), is trained to predict each step of
a class sequence (8-bit mu-law audio, or a level's codes) from its `r` previous
steps, for increasing `r`; `r = 0` is the unigram entropy of the training data.
Its NLL on held-out data against `r` is the sequence's predictability profile.

A predictor whose past is longer can do all that a shorter one does, so a
profile measured on converged predictors does not rise with `r`. Each
predictor here trains until its NLL on a validation part of the training data
stops improving (early stopping and a learning rate halved on plateaus), and
starts from the previous, shorter predictor: its older taps start at zero, so
it starts out computing exactly what the shorter one computed, and it keeps
those weights unless training improves on them. `check_non_increasing` then
names every point that still rises by more than the noise.
"""

import keras
import numpy as np
from keras import ops

from keras_ada.evaluation.nll import token_nll
from keras_ada.validation import check_int_at_least
from keras_ada.validation import check_positive_int


class LearningRateWarmup(keras.callbacks.Callback):
    """Raises the learning rate linearly from zero over the first `steps` steps.

    A fresh Adam moves every weight by about the learning rate at its first
    steps, whatever its gradient: from a warm start at full rate, that throws
    the predictor far from the solution it starts at.

    Args:
        learning_rate: the rate reached after `steps` steps.
        steps: the number of warm-up steps.
    """

    def __init__(self, learning_rate, steps):
        super().__init__()
        self.learning_rate = learning_rate
        self.steps = steps
        self._step = 0

    def on_train_batch_begin(self, batch, logs=None):
        if self._step < self.steps:
            self._step += 1
            rate = self.learning_rate * self._step / self.steps
            self.model.optimizer.learning_rate.assign(rate)


@keras.saving.register_keras_serializable(package="keras_ada")
class PastClassesConv(keras.layers.Layer):
    """A causal convolution of length `context` over the one-hot previous classes.

    Output `t` sees classes `t - context, ..., t - 1` of its input (not `t`):
    it is `bias + sum_j kernel[j - 1, x[t - j]]` for `j = 1, ..., context`, the
    product of the one-hot inputs with a convolution kernel computed as one
    lookup of all taps. The input holds `context` steps of past before the first
    output, so the output has `context` steps fewer than the input.

    Args:
        num_classes: Positive integer, the number of input classes.
        filters: Positive integer, the output channels.
        context: Positive integer, the number of past steps each output sees.

    Call arguments:
        inputs: int tensor `(batch, context + length)` of classes.

    Returns:
        Float tensor `(batch, length, filters)`.

    Example:

    >>> layer = PastClassesConv(num_classes=256, filters=8, context=4)
    >>> tuple(layer(np.zeros((2, 4 + 10), "int32")).shape)
    (2, 10, 8)
    """

    def __init__(self, num_classes, filters, context, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("num_classes", num_classes)
        check_positive_int("filters", filters)
        check_positive_int("context", context)
        self.num_classes = int(num_classes)
        self.filters = int(filters)
        self.context = int(context)

    def build(self, input_shape):
        # kernel[j - 1]: the weights of the class `j` steps back.
        self.kernel = self.add_weight(
            shape=(self.context, self.num_classes, self.filters),
            initializer=keras.initializers.VarianceScaling(
                1.0, "fan_in", "uniform", seed=0
            ),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.filters,), initializer="zeros", name="bias"
        )

    def call(self, inputs):
        inputs = ops.cast(inputs, "int32")
        length = ops.shape(inputs)[1] - self.context
        # past[b, t, j]: the class `j + 1` steps before output `t`, as a row of
        # the kernel flattened to `(context * num_classes, filters)`: one gather
        # for all taps, whose gradient is one scatter-add.
        back = np.arange(self.context, dtype="int32")
        columns = ops.arange(length, dtype="int32")[:, None] + (self.context - 1 - back)
        past = ops.take(inputs, columns, axis=1) + back * self.num_classes
        table = ops.reshape(
            self.kernel, (self.context * self.num_classes, self.filters)
        )
        return self.bias + ops.sum(ops.take(table, past, axis=0), axis=2)

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else input_shape[1] - self.context
        return (input_shape[0], length, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes, filters=self.filters, context=self.context
        )
        return config


def predictor(context, num_classes, hidden=64, learning_rate=1e-2):
    """The paper's predictive model of a class from its `context` previous ones.

    Args:
        context: Positive integer `r`, the past steps it sees.
        num_classes: Positive integer, the number of classes.
        hidden: Positive integer, the width of its two hidden layers.
        learning_rate: Adam's learning rate.

    Returns:
        A compiled `keras.Model` from int `(batch, context + length)` to the
        logits `(batch, length, num_classes)` of the last `length` steps; its
        loss is the NLL in nats per step.
    """
    inputs = keras.Input((None,), dtype="int32")
    x = PastClassesConv(num_classes, hidden, context, name="past")(inputs)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Dense(hidden, activation="relu", name="hidden")(x)
    logits = keras.layers.Dense(num_classes, name="logits")(x)
    model = keras.Model(inputs, logits, name=f"predictor_r{context}")
    model.compile(
        keras.optimizers.Adam(learning_rate),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def split_validation(sequences, fraction=0.1):
    """Holds out the last `fraction` of the steps, taken from the end of the list.

    The held-out part is then mostly other sequences (other recordings) than
    the part kept for training, as an eval split is: stopping on it stops
    where the predictor no longer improves on music it has not seen.

    Returns:
        `(train, validation)`, two lists of sequences.
    """
    remaining = int(round(sum(len(s) for s in sequences) * fraction))
    train, validation = list(sequences), []
    while remaining > 0 and train:
        last = train.pop()
        cut = max(len(last) - remaining, 0)
        if cut:
            train.append(last[:cut])
        validation.insert(0, last[cut:])
        remaining -= len(last) - cut
    return train, validation


def scored_windows(sequences, context, length, max_windows=None):
    """Windows of `context + length` steps whose last `length` steps tile the data.

    Returns:
        `(inputs, targets)`: int32 `(n, context + length)` and `(n, length)`;
        with `max_windows`, at most that many, evenly spread.
    """
    windows = [
        s[start : start + context + length]
        for s in sequences
        for start in range(0, len(s) - context - length + 1, length)
    ]
    if not windows:
        raise ValueError(
            f"No sequence holds {context + length} steps (context {context} + "
            f"length {length}). Received lengths: {[len(s) for s in sequences]}"
        )
    if max_windows is not None and len(windows) > max_windows:
        keep = np.linspace(0, len(windows) - 1, max_windows).round().astype(int)
        windows = [windows[i] for i in keep]
    inputs = np.stack(windows).astype("int32")
    return inputs, inputs[:, context:]


class RandomWindows(keras.utils.PyDataset):
    """Batches of windows drawn at random places of the sequences, seeded.

    Args:
        sequences: list of 1-D int arrays.
        context: past steps before the scored ones.
        length: scored steps per window.
        batch_size: windows per batch.
        steps: batches per epoch.
        seed: integer seed of the draws.
    """

    def __init__(self, sequences, context, length, batch_size, steps, seed):
        super().__init__()
        size = context + length
        self.sequences = [np.asarray(s, "int32") for s in sequences if len(s) >= size]
        if not self.sequences:
            raise ValueError(f"No training sequence holds {size} steps.")
        starts = np.array([len(s) - size + 1 for s in self.sequences], "float64")
        self.probabilities = starts / starts.sum()
        self.context, self.size = context, size
        self.batch_size, self.steps = batch_size, steps
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        rows = self.rng.choice(
            len(self.sequences), self.batch_size, p=self.probabilities
        )
        windows = np.stack(
            [
                self.sequences[row][start : start + self.size]
                for row in rows
                for start in [
                    self.rng.integers(len(self.sequences[row]) - self.size + 1)
                ]
            ]
        )
        return windows, windows[:, self.context :]


def _warm_start(model, shorter):
    """Sets `model` to compute what `shorter` computes: its older taps at zero."""
    past, old = model.get_layer("past"), shorter.get_layer("past")
    old_kernel, old_bias = old.get_weights()
    kernel = np.zeros(past.kernel.shape, "float32")
    kernel[: old.context] = old_kernel
    past.set_weights([kernel, old_bias])
    for name in ("hidden", "logits"):
        model.get_layer(name).set_weights(shorter.get_layer(name).get_weights())


def train_predictor(
    context,
    train,
    validation,
    num_classes,
    *,
    shorter=None,
    hidden=64,
    length=128,
    batch_size=16,
    learning_rate=1e-2,
    steps_per_check=100,
    patience=2,
    min_delta=2e-3,
    max_checks=20,
    max_windows=256,
    seed=0,
):
    """Trains the predictor of `context` until its validation NLL stops improving.

    Args:
        context: the past steps `r` (positive).
        train, validation: lists of 1-D int class sequences.
        num_classes: number of classes.
        shorter: a trained predictor of a shorter context to start from; the
            learning rate then warms up over the first check
            (`LearningRateWarmup`), and it keeps the start's weights unless
            training improves on them.
        hidden, learning_rate: see `predictor`.
        length: scored steps per window.
        batch_size: windows per training batch.
        steps_per_check: training steps between validation checks.
        patience: checks without improvement before stopping; the learning
            rate halves after each check without improvement.
        min_delta: the least fall of the validation NLL (nats per step)
            that counts as an improvement.
        max_checks: most checks.
        max_windows: most validation windows.
        seed: integer seed of the training windows.

    Returns:
        `(model, info)`: the predictor with its best weights, and a dict with
        `val_nll`, `steps` and `converged` (whether early stopping ended it
        before `max_checks`).
    """
    check_positive_int("context", context)
    check_int_at_least("patience", patience, 1)
    model = predictor(context, num_classes, hidden, learning_rate)
    val_x, val_y = scored_windows(validation, context, length, max_windows)
    start_nll, callbacks = float("inf"), []
    if shorter is not None:
        _warm_start(model, shorter)
        callbacks.append(LearningRateWarmup(learning_rate, steps_per_check))
        start_nll = float(model.evaluate(val_x, val_y, batch_size=64, verbose=0))
        start_weights = model.get_weights()
    stopper = keras.callbacks.EarlyStopping(
        patience=patience, min_delta=min_delta, restore_best_weights=True
    )
    history = model.fit(
        RandomWindows(train, context, length, batch_size, steps_per_check, seed),
        epochs=max_checks,
        validation_data=(val_x, val_y),
        callbacks=callbacks
        + [
            stopper,
            keras.callbacks.ReduceLROnPlateau(
                factor=0.5, patience=1, min_delta=min_delta
            ),
        ],
        verbose=0,
    )
    val_nll = float(min(history.history["val_loss"]))
    if start_nll <= val_nll:
        model.set_weights(start_weights)
        val_nll = start_nll
    checks = len(history.history["val_loss"])
    return model, {
        "val_nll": val_nll,
        "steps": checks * steps_per_check,
        "converged": checks < max_checks,
    }


def _mean_and_standard_error(window_nlls):
    window_nlls = np.asarray(window_nlls, "float64")
    spread = window_nlls.std(ddof=1) if len(window_nlls) > 1 else 0.0
    return float(window_nlls.mean()), float(spread / np.sqrt(len(window_nlls)))


def heldout_nll(model, context, sequences, length=128, batch_size=64):
    """NLL (nats per step) of a predictor on `sequences`, every step scored once.

    Returns:
        `(nll, standard_error)`: the mean over the scored steps, and the
        standard error of that mean from the spread of the windows' means.
    """
    x, y = scored_windows(sequences, context, length)
    window_nlls = []
    for start in range(0, len(x), batch_size):
        logits = model.predict_on_batch(x[start : start + batch_size])
        nlls = token_nll(ops.convert_to_numpy(logits), y[start : start + batch_size])
        window_nlls.extend(nlls.mean(-1))
    return _mean_and_standard_error(window_nlls)


def unigram_heldout_nll(train, evaluation, num_classes, length=128):
    """Cross-entropy of `evaluation` under `train`'s class counts, per step.

    Counts start at one (add-one smoothing), so an unseen class costs finite
    NLL. The evaluation steps are scored in windows of `length`, as
    `heldout_nll` scores them.

    Returns:
        `(nll, standard_error)`, as `heldout_nll`.
    """
    counts = np.bincount(np.concatenate(train), minlength=num_classes) + 1.0
    log_p = np.log(counts / counts.sum())
    _, targets = scored_windows(evaluation, 0, length)
    return _mean_and_standard_error(-log_p[targets].mean(-1))


def predictability_profile(
    contexts,
    train,
    evaluation,
    num_classes,
    *,
    validation_fraction=0.1,
    log=None,
    **training,
):
    """The eval NLL of converged predictors for each context `r` in `contexts`.

    Args:
        contexts: increasing non-negative ints; 0 gives the unigram entropy.
        train: list of 1-D int sequences; its last `validation_fraction`
            (`split_validation`) decides when training stops.
        evaluation: list of 1-D int sequences the NLLs are measured on.
        num_classes: number of classes.
        validation_fraction: the part of the training steps held out.
        log: optional function called with a line per trained predictor.
        **training: arguments of `train_predictor` (`hidden`, `length`, ...).

    Returns:
        A list of dicts, one per context: `r`, `nll` (eval) and `nll_error`
        (its standard error, `heldout_nll`), and for `r > 0` `val_nll`,
        `steps` and `converged`.
    """
    if list(contexts) != sorted(set(contexts)) or min(contexts) < 0:
        raise ValueError(
            f"`contexts` must be increasing non-negative ints. Received: {contexts}"
        )
    fit_part, validation = split_validation(train, validation_fraction)
    length = training.get("length", 128)
    points, shorter = [], None
    for r in contexts:
        if r == 0:
            nll, error = unigram_heldout_nll(train, evaluation, num_classes, length)
            points.append({"r": 0, "nll": nll, "nll_error": error})
            continue
        shorter, info = train_predictor(
            r, fit_part, validation, num_classes, shorter=shorter, **training
        )
        nll, error = heldout_nll(shorter, r, evaluation, length)
        points.append({"r": r, "nll": nll, "nll_error": error, **info})
        if log is not None:
            state = "converged" if info["converged"] else "step limit"
            log(
                f"r={r:4d}  eval NLL {nll:.3f}  val NLL {info['val_nll']:.3f}  "
                f"{info['steps']} steps ({state})"
            )
    return points


def check_non_increasing(points, tolerance=None):
    """The points whose NLL rises above a shorter context's by more than the noise.

    Args:
        points: the output of `predictability_profile`.
        tolerance: allowed rise in nats per step; None allows two standard
            errors of the difference (`nll_error` of the two points).

    Returns:
        A list of `(r, rise)`, rise over the lowest NLL of any shorter
        context; empty when the profile is non-increasing within the noise.
    """
    rises, lowest = [], None
    for point in points:
        if lowest is not None:
            allowed = tolerance
            if allowed is None:
                allowed = 2 * np.hypot(point["nll_error"], lowest["nll_error"])
            if point["nll"] > lowest["nll"] + allowed:
                rises.append((point["r"], point["nll"] - lowest["nll"]))
        if lowest is None or point["nll"] < lowest["nll"]:
            lowest = point
    return rises
