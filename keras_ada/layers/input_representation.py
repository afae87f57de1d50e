"""Turns integer sequences (mu-law audio or codes) into network inputs."""

import keras
from keras import ops

from keras_ada.audio import classes_to_unit
from keras_ada.validation import check_int_at_least
from keras_ada.validation import check_one_of
from keras_ada.validation import check_positive_int

INPUT_FORMATS = ("continuous", "one_hot", "embedding")


@keras.saving.register_keras_serializable(package="keras_ada")
class InputRepresentation(keras.layers.Layer):
    """Represents a sequence of classes as a continuous, one-hot or embedded signal.

    The paper compares two representations of 8-bit audio: "continuous" (each class
    as one real value in [-1, 1], keeping the ordinal relation between levels) and
    "one_hot" (256-dimensional one-hot vectors). Code sequences have no ordinal
    relation, so models of codes use a learnt "embedding".

    Args:
        num_classes: number of classes in the input sequence.
        input_format: one of `"continuous"`, `"one_hot"`, `"embedding"`.
        embedding_dim: size of the learnt embedding; only for `"embedding"`.

    Call arguments:
        inputs: integer tensor of shape `(batch, time)`.

    Returns:
        A float tensor of shape `(batch, time, channels)` with `channels` 1,
        `num_classes` or `embedding_dim`.

    `step` represents one time step, `(batch,)` to `(batch, channels)`.

    Example:

    >>> layer = InputRepresentation(256, "one_hot")
    >>> tuple(layer(keras.ops.zeros((2, 100), "int32")).shape)
    (2, 100, 256)
    >>> tuple(layer.step(keras.ops.zeros((2,), "int32")).shape)
    (2, 256)
    """

    def __init__(
        self, num_classes, input_format="continuous", embedding_dim=None, **kwargs
    ):
        super().__init__(**kwargs)
        check_int_at_least("num_classes", num_classes, 2)
        check_one_of("input_format", input_format, INPUT_FORMATS)
        if input_format == "embedding":
            check_positive_int("embedding_dim", embedding_dim)
            self.embedding = keras.layers.Embedding(
                num_classes, embedding_dim, dtype=self.dtype_policy, name="embedding"
            )
        elif embedding_dim is not None:
            raise ValueError(
                "`embedding_dim` is only used with `input_format='embedding'`. "
                f"Received: embedding_dim={embedding_dim}, input_format={input_format!r}"
            )
        self.num_classes = num_classes
        self.input_format = input_format
        self.embedding_dim = embedding_dim

    @property
    def output_dim(self):
        return {
            "continuous": 1,
            "one_hot": self.num_classes,
            "embedding": self.embedding_dim,
        }[self.input_format]

    def build(self, input_shape):
        if self.input_format == "embedding":
            self.embedding.build(input_shape)

    def call(self, inputs):
        classes = ops.cast(inputs, "int32")
        if self.input_format == "continuous":
            features = classes_to_unit(classes, self.num_classes)[..., None]
        elif self.input_format == "one_hot":
            features = ops.one_hot(classes, self.num_classes)
        else:
            return self.embedding(classes)
        return ops.cast(features, self.compute_dtype)

    def step(self, inputs_t):
        """The representation of the classes `(batch,)` of one time step."""
        return self(inputs_t)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            input_format=self.input_format,
            embedding_dim=self.embedding_dim,
        )
        return config
