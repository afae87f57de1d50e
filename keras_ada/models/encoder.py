"""The ADA encoder: a non-causal WaveNet stack with mean pooling at its output."""

import keras
from keras import ops

from keras_ada.layers import DilatedResidualStack
from keras_ada.layers import InputRepresentation
from keras_ada.layers import MatmulConv1D
from keras_ada.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_ada")
class Encoder(keras.layers.Layer):
    """Computes one query vector per `hop` input steps.

    Inputs are represented (continuous, one-hot or embedded), passed through a
    non-causal `DilatedResidualStack`, then ReLU -> 1x1 convolution to
    `query_dim` channels, and mean-pooled over non-overlapping windows of `hop`
    steps. Pooling at the output side (rather than striding early) makes the
    internal representation more invariant to time shifts (paper, section 3.3).

    Args:
        num_classes: input alphabet size (256 for audio, the codebook size for codes).
        query_dim: size of each query vector (VQ-VAE: `code_dim`; AMAE: `num_codes`).
        hop: downsampling factor.
        repeats, stages, residual_channels, inner_channels, kernel_size: the
            stack's sizes (paper: 2 x 8, 256, 256, filter 3).
        input_format: `"continuous"`, `"one_hot"` or `"embedding"`.
        embedding_dim: embedding size for `input_format="embedding"`.

    Call arguments:
        inputs: integer tensor `(batch, time)`, `time` a multiple of `hop`.

    Returns:
        Queries `(batch, time // hop, query_dim)`.
    """

    def __init__(
        self,
        num_classes=256,
        query_dim=64,
        hop=8,
        repeats=2,
        stages=8,
        residual_channels=256,
        inner_channels=256,
        kernel_size=3,
        input_format="continuous",
        embedding_dim=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("hop", hop)
        self.num_classes = num_classes
        self.query_dim = query_dim
        self.hop = hop
        self.repeats = repeats
        self.stages = stages
        self.residual_channels = residual_channels
        self.inner_channels = inner_channels
        self.kernel_size = kernel_size
        self.input_format = input_format
        self.embedding_dim = embedding_dim
        self.representation = InputRepresentation(
            num_classes,
            input_format,
            embedding_dim,
            dtype=self.dtype_policy,
            name="representation",
        )
        self.stack = DilatedResidualStack(
            repeats,
            stages,
            residual_channels,
            inner_channels,
            kernel_size=kernel_size,
            causal=False,
            dtype=self.dtype_policy,
            name="stack",
        )
        self.output_projection = MatmulConv1D(
            query_dim, 1, dtype=self.dtype_policy, name="output_projection"
        )

    @property
    def receptive_field(self):
        """Input steps seen on each side of one position, before pooling."""
        return self.stack.receptive_field

    def build(self, input_shape):
        self.representation.build(input_shape)
        features_shape = tuple(input_shape) + (self.representation.output_dim,)
        self.stack.build(features_shape)
        self.output_projection.build(tuple(input_shape) + (self.residual_channels,))

    def call(self, inputs):
        time = inputs.shape[1]
        if time is not None and time % self.hop:
            raise ValueError(
                f"The input length must be a multiple of `hop`={self.hop}. "
                f"Received: inputs.shape={inputs.shape}"
            )
        features = self.stack(self.representation(inputs))
        queries = self.output_projection(ops.relu(features))
        pooled = ops.reshape(
            queries, (ops.shape(queries)[0], -1, self.hop, self.query_dim)
        )
        return ops.mean(pooled, axis=2)

    def compute_output_shape(self, input_shape):
        time = None if input_shape[1] is None else input_shape[1] // self.hop
        return (input_shape[0], time, self.query_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            query_dim=self.query_dim,
            hop=self.hop,
            repeats=self.repeats,
            stages=self.stages,
            residual_channels=self.residual_channels,
            inner_channels=self.inner_channels,
            kernel_size=self.kernel_size,
            input_format=self.input_format,
            embedding_dim=self.embedding_dim,
        )
        return config
