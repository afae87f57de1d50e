"""The ADA encoder: a non-causal WaveNet stack with mean pooling at its output."""

import keras
from keras import ops

from keras_ada.layers import InputRepresentation
from keras_ada.models.non_causal_stack import NonCausalStack
from keras_ada.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_ada")
class Encoder(NonCausalStack):
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
        super().__init__(
            query_dim,
            repeats,
            stages,
            residual_channels,
            inner_channels,
            kernel_size,
            **kwargs,
        )
        check_positive_int("hop", hop)
        self.num_classes = num_classes
        self.query_dim = query_dim
        self.hop = hop
        self.input_format = input_format
        self.embedding_dim = embedding_dim
        self.representation = InputRepresentation(
            num_classes,
            input_format,
            embedding_dim,
            dtype=self.dtype_policy,
            name="representation",
        )

    def build(self, input_shape):
        self.representation.build(input_shape)
        super().build(tuple(input_shape) + (self.representation.output_dim,))

    def call(self, inputs):
        time = inputs.shape[1]
        if time is not None and time % self.hop:
            raise ValueError(
                f"The input length must be a multiple of `hop`={self.hop}. "
                f"Received: inputs.shape={inputs.shape}"
            )
        queries = super().call(self.representation(inputs))
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
            input_format=self.input_format,
            embedding_dim=self.embedding_dim,
        )
        return config
