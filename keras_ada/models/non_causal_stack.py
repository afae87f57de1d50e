"""The part of the ADA's encoder and modulator that they share."""

import keras
from keras import ops

from keras_ada.layers import DilatedResidualStack
from keras_ada.layers import MatmulConv1D


class NonCausalStack(keras.layers.Layer):
    """Base class: a non-causal `DilatedResidualStack`, then ReLU -> 1x1 convolution.

    The encoder and the modulator of an ADA are both such a stack; they add what
    comes before it (the encoder's input representation) and after it (the
    encoder's pooling, the modulator's upsampling), and their own arguments in
    `get_config`.

    Args:
        output_channels: channels of the 1x1 convolution at the output.
        repeats, stages, residual_channels, inner_channels, kernel_size: the
            stack's sizes (paper: 2 x 8, 256, 256, filter 3).

    Call arguments:
        inputs: float tensor `(batch, time, channels)`.

    Returns:
        A float tensor `(batch, time, output_channels)`.
    """

    def __init__(
        self,
        output_channels,
        repeats=2,
        stages=8,
        residual_channels=256,
        inner_channels=256,
        kernel_size=3,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.repeats = repeats
        self.stages = stages
        self.residual_channels = residual_channels
        self.inner_channels = inner_channels
        self.kernel_size = kernel_size
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
            output_channels, 1, dtype=self.dtype_policy, name="output_projection"
        )

    @property
    def receptive_field(self):
        """Steps seen on each side of one position."""
        return self.stack.receptive_field

    def build(self, input_shape):
        self.stack.build(input_shape)
        self.output_projection.build(
            tuple(input_shape[:-1]) + (self.residual_channels,)
        )

    def call(self, inputs):
        return self.output_projection(ops.relu(self.stack(inputs)))

    def get_config(self):
        config = super().get_config()
        config.update(
            repeats=self.repeats,
            stages=self.stages,
            residual_channels=self.residual_channels,
            inner_channels=self.inner_channels,
            kernel_size=self.kernel_size,
        )
        return config
