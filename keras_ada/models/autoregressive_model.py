"""Shared training set-up of every model that predicts a sequence of classes."""

import keras
from keras import ops
from keras.src.losses.loss import scale_loss_for_distribution

from keras_ada.input_checks import check_classes

PAPER_LEARNING_RATE = 2e-4


class AutoregressiveModel(keras.Model):
    """Base of the WaveNet and ADA models: the paper's optimiser and the NLL loss.

    `compile()` with no arguments gives the paper's set-up (appendix A): Adam with
    learning rate 2e-4 and Polyak averaging of the weights for evaluation (the
    optimizer's exponential moving average, `use_ema=True`). The loss is the
    negative log-likelihood of the input sequence in nats per timestep, plus any
    losses the layers add (commitment, diversity); it is logged as `nll`.
    Training needs no targets: `fit(x)` on integer sequences of shape
    `(batch, time)` is self-supervised. NumPy inputs of `fit` and of a call
    are checked to be such sequences (`keras_ada.input_checks`).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.nll_tracker = keras.metrics.Mean(name="nll")

    def __call__(self, inputs, *args, **kwargs):
        check_classes("inputs", inputs, self.num_classes, type(self).__name__)
        return super().__call__(inputs, *args, **kwargs)

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking NumPy classes `x` once."""
        check_classes("x", x, self.num_classes, f"{type(self).__name__}.fit")
        return super().fit(x, *args, **kwargs)

    def compile(self, optimizer=None, **kwargs):
        """Configures training; `optimizer=None` gives the paper's Adam + Polyak."""
        if optimizer is None:
            optimizer = keras.optimizers.Adam(
                learning_rate=PAPER_LEARNING_RATE, use_ema=True
            )
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        """Restores the compiled set-up when a `.keras` file is loaded."""
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def logits_and_targets(self, x, y, y_pred):
        """Returns the logits and the integer targets they predict."""
        return y_pred, x if y is None else y

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        logits, targets = self.logits_and_targets(x, y, y_pred)
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
        # Under tf.distribute each replica returns its share of the global loss, so
        # that the summed gradients are those of the global mean (as Keras' own
        # losses do); elsewhere this is the identity.
        return scale_loss_for_distribution(total)
