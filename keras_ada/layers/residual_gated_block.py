"""The WaveNet residual block with a multiplicative (gated) nonlinearity."""

import keras
from keras import ops

from keras_ada.layers.causal_queue import CausalQueue
from keras_ada.layers.causal_queue import pointwise
from keras_ada.layers.matmul_conv1d import MatmulConv1D
from keras_ada.validation import check_positive_int


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

    A causal block also runs one step at a time (`initial_state`, `step`,
    `prefill`), keeping its past inputs in a `CausalQueue`; the steps equal
    `call` at every position.

    Example:

    >>> block = ResidualGatedBlock(384, 64, kernel_size=2, dilation_rate=4)
    >>> residual, skip = block(keras.ops.zeros((1, 100, 384)))
    >>> tuple(residual.shape), tuple(skip.shape)
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
            check_positive_int(name, value)
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
        # One split, not two slices: on PyTorch its gradient is one concatenation
        # instead of two zero-filled copies and their sum.
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

    # === One step at a time (causal blocks) ===

    @property
    def queue(self):
        """The `CausalQueue` of the dilated convolution's past inputs."""
        if not self.causal:
            raise ValueError(
                "Only a causal block runs step by step. Received: causal=False"
            )
        return CausalQueue(self.kernel_size, self.dilation_rate, self.residual_channels)

    def initial_state(self, batch_size, dtype=None):
        """The empty queue `(queue.length, batch, residual_channels)` before time 0."""
        return self.queue.zeros(batch_size, dtype or self.compute_dtype)

    def prefill(self, inputs, condition=None):
        """`call` over a teacher-forced sequence, and the state after it.

        Returns:
            `((residual_output, skip_output), state)`.
        """
        outputs = self(inputs, condition=condition)
        return outputs, self.queue.from_sequence(inputs, self.compute_dtype)

    def step(self, inputs_t, state, time, condition_t=None):
        """`call` at one time step.

        Args:
            inputs_t: the input at `time`, `(batch, residual_channels)`.
            state: the queue from `initial_state`, `prefill` or the last step.
            time: the current step, an int32 scalar tensor (the state holds no
                clock: every block of a stack shares one).
            condition_t: optional bias `(batch, 2 * inner_channels)` at `time`.

        Returns:
            `((residual_output_t, skip_output_t), state)`.
        """
        inputs_t = ops.convert_to_tensor(inputs_t, self.compute_dtype)
        preactivation, state = self.queue.convolve(
            self.dilated_conv, state, inputs_t, time
        )
        if condition_t is not None:
            preactivation = preactivation + ops.cast(condition_t, inputs_t.dtype)
        gated = self.gate(preactivation)
        if not self.project_residual:
            return (inputs_t, pointwise(self.skip_projection, gated)), state
        # One product for both 1x1 projections: the outputs side by side.
        projected = ops.matmul(gated, self._projection_kernel(gated.dtype))
        projected = projected + self._projection_bias(gated.dtype)
        skip = projected[:, : self.skip_channels]
        return (inputs_t + projected[:, self.skip_channels :], skip), state

    def _projection_kernel(self, dtype):
        kernels = [self.skip_projection.kernel[0], self.residual_projection.kernel[0]]
        return ops.cast(ops.concatenate(kernels, axis=-1), dtype)

    def _projection_bias(self, dtype):
        biases = [self.skip_projection.bias, self.residual_projection.bias]
        return ops.cast(ops.concatenate(biases, axis=-1), dtype)

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
