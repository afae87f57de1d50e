"""Shared training set-up of every model that predicts a sequence of classes."""

import keras
import numpy as np
from keras import ops

from keras_ada.models.preset import PresetMixin
from keras_ada.validation import check_classes
from keras_ada.validation import check_probability

PAPER_LEARNING_RATE = 2e-4


class AutoregressiveModel(PresetMixin, keras.Model):
    """Base of the WaveNet and ADA models: the paper's optimiser and the NLL loss.

    `compile()` with no arguments gives the paper's set-up (appendix A): Adam with
    learning rate 2e-4 and Polyak averaging of the weights for evaluation (the
    optimizer's exponential moving average, `use_ema=True`) with the model's
    `ema_momentum`, which the zoo sets per scale (`paper_optimizer` is the one
    place that builds this optimizer). The loss is the
    negative log-likelihood of the input sequence in nats per timestep, plus any
    losses the layers add (commitment, diversity); it is logged as `nll`.
    Training needs no targets: `fit(x)` on integer sequences of shape
    `(batch, time)` is self-supervised.

    As in the paper, the NLL counts only full-context positions: an excerpt of
    `context_length + length` steps is scored on its last `length` steps, whose
    whole receptive field is real data; the first `context_length` predictions,
    which see the zero padding before the excerpt, count nothing. Subclasses
    define `context_length`. NumPy inputs of `fit` and of a call
    are checked to be such sequences (`keras_ada.validation.check_classes`).

    Models save to and load from presets (`save_to_preset`, `from_preset`,
    `presets`; see `keras_ada.models.PresetMixin`).
    """

    @property
    def context_length(self):
        """Leading steps of an excerpt that are context only, not scored."""
        return 0

    def __init__(self, ema_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        check_probability("ema_momentum", ema_momentum)
        self.ema_momentum = ema_momentum
        self.nll_tracker = keras.metrics.Mean(name="nll")

    def __call__(self, inputs, *args, **kwargs):
        check_classes("inputs", inputs, self.num_classes, type(self).__name__)
        return super().__call__(inputs, *args, **kwargs)

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking NumPy classes `x` once.

        `shuffle` defaults to False for a dataset or generator `x`, which Keras
        cannot shuffle (its batches are expected shuffled already).
        """
        check_classes("x", x, self.num_classes, f"{type(self).__name__}.fit")
        if not isinstance(x, np.ndarray) and len(args) < 8:  # shuffle is args[7]
            kwargs.setdefault("shuffle", False)
        _build_optimizer(self)
        history = super().fit(x, *args, **kwargs)
        _own_weight_buffers(self)
        return history

    def compile(self, optimizer=None, learning_rate=None, ema_momentum=None, **kwargs):
        """Configures training; `optimizer=None` gives the paper's Adam + Polyak.

        Args:
            optimizer: a Keras optimizer, or None for `paper_optimizer`.
            learning_rate: that default optimizer's learning rate; the
                paper's 2e-4 by default (short runs learn faster with 2e-3).
            ema_momentum: its Polyak averaging decay, the model's
                `ema_momentum` by default: the average spans about
                `1 / (1 - ema_momentum)` steps.
            **kwargs: further `keras.Model.compile` arguments.
        """
        if optimizer is None:
            optimizer = paper_optimizer(
                learning_rate or PAPER_LEARNING_RATE,
                ema_momentum or self.ema_momentum,
            )
        elif learning_rate is not None or ema_momentum is not None:
            raise ValueError(
                "`learning_rate` and `ema_momentum` configure the default optimizer: "
                "give them or an `optimizer`, not both. "
                f"Received: optimizer={optimizer!r}, learning_rate={learning_rate}, "
                f"ema_momentum={ema_momentum}"
            )
        super().compile(optimizer=optimizer, **kwargs)
        # A model saved before it trains then holds the optimizer's variables
        # that `load_model` creates: none is skipped with a warning.
        _build_optimizer(self)

    def compile_from_config(self, config):
        """Restores the compiled set-up when a `.keras` file is loaded."""
        self.compile(**keras.saving.deserialize_keras_object(config))

    def get_config(self):
        config = super().get_config()
        config["ema_momentum"] = self.ema_momentum
        return config

    def logits_and_targets(self, x, y, y_pred):
        """Returns the logits and the integer targets they predict."""
        return y_pred, x if y is None else y

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        logits, targets = self.logits_and_targets(x, y, y_pred)
        logits, targets = full_context(logits, targets, self.context_length)
        nll = ops.mean(
            keras.losses.sparse_categorical_crossentropy(
                ops.cast(targets, "int32"),
                ops.cast(logits, "float32"),
                from_logits=True,
            )
        )
        self.nll_tracker.update_state(nll)
        total = nll
        for loss in self.losses:
            total = total + ops.cast(loss, "float32")
        return _scale_for_replicas(total)


def _build_optimizer(model):
    """Creates the optimizer's variables of a built model (in `compile`, and
    in `fit` for a model compiled before it was built).

    Without a distribution strategy, TensorFlow's `fit` creates them while it
    traces its training step, each inside the graph with its own
    initialisation: for the tiny models of the zoo that took most of the
    first `fit` (17 of 48 s for the three models of a stack). Created
    eagerly, they are ready in a fraction of a second.
    """
    if model.built and model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def _own_weight_buffers(model):
    """Gives each weight a buffer of its own after `fit` on JAX.

    At the end of `fit`, an optimizer with `use_ema=True` assigns the averaged
    weights to the model (`finalize_variable_values`); on JAX an assignment
    shares the array, so each weight and its average hold one buffer. JAX's
    `predict` and `evaluate` donate the model's buffers to their compiled
    step, which then deletes the optimizer's averages too: the next `save`
    or `fit` fails with "Array has been deleted". A copy of each shared
    weight keeps the two apart.
    """
    if keras.backend.backend() != "jax" or model.optimizer is None:
        return
    averages = {id(variable.value) for variable in model.optimizer.variables}
    for variable in model.variables:
        if id(variable.value) in averages:
            variable.assign(ops.copy(variable.value))


def paper_optimizer(learning_rate=PAPER_LEARNING_RATE, ema_momentum=0.99):
    """Returns the paper's optimizer: Adam with Polyak averaging of the weights.

    Args:
        learning_rate: Adam's learning rate (the paper's 2e-4 by default).
        ema_momentum: the decay of the weights' exponential moving average.

    Returns:
        A `keras.optimizers.Adam` with `use_ema=True`.
    """
    return keras.optimizers.Adam(
        learning_rate=learning_rate, use_ema=True, ema_momentum=ema_momentum
    )


def _scale_for_replicas(loss):
    """Each replica's share of the global loss under `tf.distribute`.

    Summing the replicas' gradients then gives those of the global mean, as
    Keras' own losses do; on one replica or another backend it is the identity.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if num_replicas > 1:
            loss = loss * (1.0 / num_replicas)
    return loss


def full_context(logits, targets, context_length):
    """Drops the first `context_length` steps of logits and targets.

    Args:
        logits: `(batch, time, classes)`.
        targets: `(batch, time)`.
        context_length: leading steps to drop.

    Returns:
        `(logits, targets)` of the last `time - context_length` steps.
    """
    time = logits.shape[1]
    if time is not None and time <= context_length:
        raise ValueError(
            f"Excerpts must be longer than the model's context of {context_length} "
            "steps (its receptive field): only the steps after it are scored. "
            f"Received: time={time}"
        )
    return logits[:, context_length:], targets[:, context_length:]
