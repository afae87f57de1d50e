"""A `Conv1D` computed as 2-D matrix products over `(batch * time, channels)`."""

import keras
from keras import ops

# The backends whose own convolutions are slower than the matmul form.
MATMUL_BACKENDS = ("jax", "torch")
# The backends on which one product of the taps side by side beats one per tap.
STACKED_TAPS_BACKENDS = ("torch",)


@keras.saving.register_keras_serializable(package="keras_ada")
class MatmulConv1D(keras.layers.Conv1D):
    """`keras.layers.Conv1D` with the same weights and results, computed as a matmul.

    A dilated convolution of filter length `k` and dilation `d` over a padded
    input `x` is

    ```
    y[b, t] = sum_i x[b, t + i d] @ kernel[i] + bias,   i = 0, ..., k - 1
    ```

    with the kernel `(k, in, out)`. This layer computes exactly that: each of the
    `k` shifted views of the input is flattened to `(batch * time, in)` and
    multiplied by `kernel[i]` in a 2-D product. On XLA's CPU backend these 2-D
    products and their weight gradients run up to twice as fast as the
    `conv_general_dilated` that `Conv1D` lowers to (whose weight gradient contracts
    over batch and time as two separate axes); on PyTorch they spare
    `Conv1D`'s transposes to and from channels-first, which made training 1.1x
    faster. On PyTorch the `k` views go side by side into one
    `(batch * time, k * in)` product with the kernel flattened to `(k * in, out)`
    (one large product and no sum of partial outputs: the small WaveNet trained
    1.04x faster); on XLA the separate products stay faster. Weights
    (`kernel` `(k, in, out)`,
    `bias` `(out,)`), their names and the configuration are `Conv1D`'s, so models
    saved with either layer load into the other.

    `call` uses the matmul form on the JAX and PyTorch backends for
    `channels_last` inputs, stride 1 and one group; otherwise (and on the
    TensorFlow backend, whose own convolution is as fast) it runs `Conv1D.call`
    unchanged.
    `matmul_call` computes the matmul form on any backend.

    Args:
        *args, **kwargs: those of `keras.layers.Conv1D`.

    Call arguments:
        inputs: float tensor `(batch, time, channels)`.

    Returns:
        `(batch, new_time, filters)`, equal to `keras.layers.Conv1D`'s output.

    Example:

    >>> conv = MatmulConv1D(8, 2, dilation_rate=4, padding="causal")
    >>> tuple(conv(keras.ops.zeros((2, 100, 16))).shape)
    (2, 100, 8)
    """

    def _supports_matmul(self):
        return (
            self.data_format == "channels_last"
            and self.strides == (1,)
            and self.groups == 1
        )

    def _time_padding(self):
        span = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        if self.padding == "causal":
            return span, 0
        if self.padding == "same":
            return span // 2, span - span // 2
        return 0, 0

    def call(self, inputs):
        if keras.backend.backend() in MATMUL_BACKENDS and self._supports_matmul():
            return self.matmul_call(inputs)
        return super().call(inputs)

    def matmul_call(self, inputs):
        """The convolution as `kernel_size` 2-D matmuls (stride 1, channels last)."""
        if not self._supports_matmul():
            raise ValueError(
                "`matmul_call` needs data_format='channels_last', strides=1 and "
                f"groups=1. Received: data_format={self.data_format}, "
                f"strides={self.strides}, groups={self.groups}"
            )
        size, dilation = self.kernel_size[0], self.dilation_rate[0]
        span = dilation * (size - 1)
        padding = self._time_padding()
        padded = ops.pad(inputs, ((0, 0), padding, (0, 0))) if any(padding) else inputs
        taps = [
            padded[:, tap * dilation : (tap * dilation - span) or None]
            for tap in range(size)
        ]
        batch, time = ops.shape(taps[0])[0], ops.shape(taps[0])[1]
        kernel = ops.convert_to_tensor(self.kernel)
        if size > 1 and keras.backend.backend() in STACKED_TAPS_BACKENDS:
            stacked = ops.reshape(ops.concatenate(taps, axis=-1), (batch * time, -1))
            outputs = ops.matmul(stacked, ops.reshape(kernel, (-1, self.filters)))
        else:
            outputs = None
            for index, tap in enumerate(taps):
                product = ops.matmul(
                    ops.reshape(tap, (batch * time, -1)), kernel[index]
                )
                outputs = product if outputs is None else outputs + product
        if self.use_bias:
            outputs = outputs + self.bias
        outputs = ops.reshape(outputs, (batch, time, self.filters))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs
