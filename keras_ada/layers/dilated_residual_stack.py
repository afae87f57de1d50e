"""A WaveNet stack: input convolution, dilated residual gated blocks, skip sum."""

import keras
from keras import ops

from keras_ada.layers.matmul_conv1d import MatmulConv1D
from keras_ada.layers.residual_gated_block import ResidualGatedBlock
from keras_ada.layers.residual_gated_block import _check_positive_int


@keras.saving.register_keras_serializable(package="keras_ada")
class DilatedResidualStack(keras.layers.Layer):
    """`repeats x stages` residual gated blocks with dilations 1, 2, ..., 2^(stages-1).

    An input convolution maps the input channels to the residual stream; the blocks'
    skip outputs are summed. The input convolution is sized so that the receptive
    field is exactly the paper's figure, `repeats * (kernel_size - 1) * 2^stages`:

    - causal stacks (`kernel_size` any): the input convolution has length
      `repeats * (kernel_size - 1)`, so an output sees that many inputs, the
      current one included (1024 for the local model: 4 x 8 stages, filter 2).
    - non-causal stacks (odd `kernel_size`): the input convolution has length
      `repeats * (kernel_size - 1) + 1`, centred, so an output sees
      `repeats * (kernel_size - 1) / 2 * 2^stages` steps in each direction (512 for
      the encoder and modulator: 2 x 8 stages, filter 3).

    Args:
        repeats: number of times the dilation pattern repeats.
        stages: number of dilation stages per repeat.
        residual_channels: size of the residual stream.
        inner_channels: size after each block's gate.
        kernel_size: filter length of the dilated convolutions.
        causal: whether outputs only depend on current and past inputs.
        skip_channels: size of the summed skip output; defaults to `residual_channels`.
        kernel_initializer: initializer of all convolution kernels.

    Call arguments:
        inputs: float tensor `(batch, time, channels)`.
        condition: optional per-block biases `(batch, time, num_blocks * 2 *
            inner_channels)`, split evenly across blocks in order.

    Returns:
        The skip sum, a tensor `(batch, time, skip_channels)`.

    Example:

    >>> stack = DilatedResidualStack(4, 8, 384, 64, kernel_size=2)
    >>> stack.receptive_field
    1024
    """

    def __init__(
        self,
        repeats,
        stages,
        residual_channels,
        inner_channels,
        kernel_size=2,
        causal=True,
        skip_channels=None,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_positive_int("repeats", repeats)
        _check_positive_int("stages", stages)
        skip_channels = residual_channels if skip_channels is None else skip_channels
        self.repeats = repeats
        self.stages = stages
        self.residual_channels = residual_channels
        self.inner_channels = inner_channels
        self.kernel_size = kernel_size
        self.causal = causal
        self.skip_channels = skip_channels
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.blocks = [
            ResidualGatedBlock(
                residual_channels,
                inner_channels,
                kernel_size=kernel_size,
                dilation_rate=2**stage,
                causal=causal,
                skip_channels=skip_channels,
                project_residual=index < repeats * stages - 1,
                kernel_initializer=self.kernel_initializer,
                dtype=self.dtype_policy,
                name=f"block_{index}",
            )
            for index, stage in enumerate(
                stage for _ in range(repeats) for stage in range(stages)
            )
        ]
        self.input_conv = MatmulConv1D(
            residual_channels,
            self.input_kernel_size,
            padding="causal" if causal else "same",
            kernel_initializer=self.kernel_initializer,
            dtype=self.dtype_policy,
            name="input_conv",
        )

    @property
    def num_blocks(self):
        return self.repeats * self.stages

    @property
    def input_kernel_size(self):
        """Length of the input convolution that rounds the receptive field."""
        span = self.repeats * (self.kernel_size - 1)
        return span if self.causal else span + 1

    @property
    def condition_channels(self):
        """Channels of the `condition` input: one bias per block."""
        return self.num_blocks * 2 * self.inner_channels

    @property
    def receptive_field(self):
        """Inputs seen by one output: in total if causal, on each side if not."""
        field = self.repeats * (self.kernel_size - 1) * 2**self.stages
        return field if self.causal else field // 2

    def build(self, input_shape):
        self.input_conv.build(input_shape)
        residual_shape = tuple(input_shape[:-1]) + (self.residual_channels,)
        for block in self.blocks:
            block.build(residual_shape)

    def call(self, inputs, condition=None):
        if condition is not None:
            if condition.shape[-1] != self.condition_channels:
                raise ValueError(
                    f"`condition` must have {self.condition_channels} channels "
                    f"({self.num_blocks} blocks x 2 x {self.inner_channels}). "
                    f"Received: condition.shape={condition.shape}"
                )
            biases = ops.split(condition, self.num_blocks, axis=-1)
        else:
            biases = [None] * self.num_blocks
        residual = self.input_conv(inputs)
        skip_sum = 0.0
        for block, bias in zip(self.blocks, biases):
            residual, skip = block(residual, condition=bias)
            skip_sum = skip_sum + skip
        return skip_sum

    def compute_output_shape(self, inputs_shape, condition_shape=None):
        return tuple(inputs_shape[:-1]) + (self.skip_channels,)

    def get_config(self):
        config = super().get_config()
        config.update(
            repeats=self.repeats,
            stages=self.stages,
            residual_channels=self.residual_channels,
            inner_channels=self.inner_channels,
            kernel_size=self.kernel_size,
            causal=self.causal,
            skip_channels=self.skip_channels,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
        )
        return config
