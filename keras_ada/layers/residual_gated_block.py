"""The WaveNet residual block with a multiplicative (gated) nonlinearity."""

import keras
from keras import ops

from keras_ada.layers.matmul_conv1d import MatmulConv1D


def _check_positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value}"
        )


@keras.saving.register_keras_serializable(package="keras_ada")
class ResidualGatedBlock(keras.layers.Layer):
    """Dilated convolution, tanh-sigmoid gate, residual and skip projections.

    The block computes

    ```
    h = dilated_conv(x) + condition            # 2 * inner_channels outputs
    g = tanh(h[..., :inner]) * sigmoid(h[..., inner:])
    residual_output = x + residual_projection(g)
    skip_output = skip_projection(g)
    ```

    where `dilated_conv` has filter length `kernel_size` and dilation
    `dilation_rate`. A causal block (`causal=True`) pads on the left only, so output
    `t` depends on inputs `t - dilation_rate * (kernel_size - 1), ..., t`. A
    non-causal block needs an odd `kernel_size` and looks
    `dilation_rate * (kernel_size - 1) / 2` steps to either side.

    Args:
        residual_channels: size of the residual stream (input and residual output).
        inner_channels: size after the gate (the dilated convolution has twice this).
        kernel_size: filter length of the dilated convolution.
        dilation_rate: dilation of the dilated convolution.
        causal: whether the block only looks at the past.
        skip_channels: size of the skip output; defaults to `residual_channels`.
        project_residual: whether to compute the residual output. The last block of
            a stack only feeds the skip sum, so it passes its input through instead
            of holding a projection that nothing would train.
        kernel_initializer: initializer of all convolution kernels.

    Call arguments:
        inputs: float tensor `(batch, time, residual_channels)`.
        condition: optional bias `(batch, time, 2 * inner_channels)` added before
            the gate (the modulator's output in an autoregressive discrete
            autoencoder).

    Returns:
        A tuple `(residual_output, skip_output)` of shapes
        `(batch, time, residual_channels)` and `(batch, time, skip_channels)`.

    Example:

    >>> block = ResidualGatedBlock(384, 64, kernel_size=2, dilation_rate=4)
    >>> residual, skip = block(keras.ops.zeros((1, 100, 384)))
    >>> residual.shape, skip.shape
    ((1, 100, 384), (1, 100, 384))
    """

    def __init__(
        self,
        residual_channels,
        inner_channels,
        kernel_size=2,
        dilation_rate=1,
        causal=True,
        skip_channels=None,
        project_residual=True,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        skip_channels = residual_channels if skip_channels is None else skip_channels
        for name, value in (
            ("residual_channels", residual_channels),
            ("inner_channels", inner_channels),
            ("kernel_size", kernel_size),
            ("dilation_rate", dilation_rate),
            ("skip_channels", skip_channels),
        ):
            _check_positive_int(name, value)
        if not causal and kernel_size % 2 == 0:
            raise ValueError(
                "A non-causal block needs an odd `kernel_size` to look equally far "
                f"both ways. Received: kernel_size={kernel_size}, causal={causal}"
            )
        self.residual_channels = residual_channels
        self.inner_channels = inner_channels
        self.kernel_size = kernel_size
        self.dilation_rate = dilation_rate
        self.causal = causal
        self.skip_channels = skip_channels
        self.project_residual = project_residual
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

        def conv(filters, size, dilation, padding, name):
            return MatmulConv1D(
                filters,
                size,
                dilation_rate=dilation,
                padding=padding,
                kernel_initializer=self.kernel_initializer,
                dtype=self.dtype_policy,
                name=name,
            )

        self.dilated_conv = conv(
            2 * inner_channels,
            kernel_size,
            dilation_rate,
            "causal" if causal else "same",
            "dilated_conv",
        )
        self.residual_projection = (
            conv(residual_channels, 1, 1, "valid", "residual_projection")
            if project_residual
            else None
        )
        self.skip_projection = conv(skip_channels, 1, 1, "valid", "skip_projection")

    @property
    def receptive_field(self):
        """Number of input steps one output step depends on."""
        return self.dilation_rate * (self.kernel_size - 1) + 1

    def build(self, input_shape):
        if input_shape[-1] != self.residual_channels:
            raise ValueError(
                f"ResidualGatedBlock expects inputs with {self.residual_channels} "
                f"channels (`residual_channels`). Received: input_shape={input_shape}"
            )
        self.dilated_conv.build(input_shape)
        gated_shape = tuple(input_shape[:-1]) + (self.inner_channels,)
        if self.project_residual:
            self.residual_projection.build(gated_shape)
        self.skip_projection.build(gated_shape)

    def gate(self, preactivation):
        """The multiplicative nonlinearity `tanh(a) * sigmoid(b)`."""
        filter_part, gate_part = ops.split(preactivation, 2, axis=-1)
        return ops.tanh(filter_part) * ops.sigmoid(gate_part)

    def call(self, inputs, condition=None):
        preactivation = self.dilated_conv(inputs)
        if condition is not None:
            preactivation = preactivation + ops.cast(condition, preactivation.dtype)
        gated = self.gate(preactivation)
        skip = self.skip_projection(gated)
        if not self.project_residual:
            return inputs, skip
        return inputs + self.residual_projection(gated), skip

    def compute_output_shape(self, inputs_shape, condition_shape=None):
        return tuple(inputs_shape), tuple(inputs_shape[:-1]) + (self.skip_channels,)

    def get_config(self):
        config = super().get_config()
        config.update(
            residual_channels=self.residual_channels,
            inner_channels=self.inner_channels,
            kernel_size=self.kernel_size,
            dilation_rate=self.dilation_rate,
            causal=self.causal,
            skip_channels=self.skip_channels,
            project_residual=self.project_residual,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
        )
        return config
