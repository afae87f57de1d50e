"""Step-by-step causal convolutions: a queue of past inputs per convolution.

A causal convolution with filter length `k` and dilation `d` reads its input at
times `t, t - d, ..., t - (k - 1) d`. Run step by step, the past inputs were all
seen at earlier steps, so each convolution keeps them in a circular buffer (a
queue) of `n = (k - 1) d + 1` slots: step `t` writes its current input to slot
`t mod n`, then reads slots `(t - j d) mod n` for `j = 1, ..., k - 1`. A step is
then one matrix product on `k` gathered rows, a cost independent of the
receptive field (Paine et al. 2016, "Fast Wavenet Generation Algorithm").

Writing before reading (hence the one extra slot, which the reads never touch)
makes every read depend on the write, so XLA updates the buffers in place; with
the reads first, the two are unordered and XLA copies every buffer at every
step, a cost proportional to the receptive field.

The queues start at zero, which is exactly the zero padding of a causal
convolution, so the steps equal the full (teacher-forced) convolution at every
position.
"""

import dataclasses

from keras import ops


def pointwise(conv, inputs):
    """A `Conv1D` of filter length 1 applied to inputs of any rank `(..., channels)`."""
    kernel = ops.cast(conv.kernel[0], inputs.dtype)
    outputs = ops.matmul(inputs, kernel)
    if conv.use_bias:
        outputs = outputs + ops.cast(conv.bias, inputs.dtype)
    return outputs


@dataclasses.dataclass(frozen=True)
class CausalQueue:
    """The circular buffer of past inputs of one causal convolution.

    Attributes:
        kernel_size: filter length `k`.
        dilation: dilation `d`.
        channels: input channels of the convolution.
    """

    kernel_size: int
    dilation: int
    channels: int

    @property
    def length(self) -> int:
        """Slots in the buffer: `(k - 1) d + 1` (the current input and the past)."""
        return (self.kernel_size - 1) * self.dilation + 1

    def zeros(self, batch_size: int, dtype: str):
        """The empty buffer `(length, batch, channels)`: the state before time 0."""
        return ops.zeros((self.length, batch_size, self.channels), dtype)

    def from_sequence(self, inputs, dtype: str):
        """The buffer after the inputs `(batch, time, channels)` went through it."""
        time = inputs.shape[1]
        if time < self.length:
            inputs = ops.pad(inputs, ((0, 0), (self.length - time, 0), (0, 0)))
        recent = ops.roll(inputs[:, -self.length :], time % self.length, axis=1)
        return ops.cast(ops.transpose(recent, (1, 0, 2)), dtype)

    def convolve(self, conv, buffer, inputs, time):
        """One output step of `conv`; returns it and the updated buffer.

        Args:
            conv: the causal `keras.layers.Conv1D` (filter length `k`, dilation
                `d`) whose weights to apply.
            buffer: `(length, batch, channels)`, the inputs at times
                `time - length, ..., time - 1` in slots `t mod length`.
            inputs: the input at `time`, `(batch, channels)`.
            time: the current step, an int32 scalar tensor.
        """
        if self.kernel_size == 1:
            return pointwise(conv, inputs), buffer
        buffer = ops.slice_update(
            buffer, (ops.mod(time, self.length), 0, 0), inputs[None]
        )
        taps = [
            ops.take(buffer, ops.mod(time - j * self.dilation, self.length), axis=0)
            for j in range(self.kernel_size - 1, 0, -1)
        ]
        kernel = ops.cast(conv.kernel, inputs.dtype)
        kernel = ops.reshape(kernel, (self.kernel_size * self.channels, -1))
        outputs = ops.matmul(ops.concatenate(taps + [inputs], axis=-1), kernel)
        if conv.use_bias:
            outputs = outputs + ops.cast(conv.bias, inputs.dtype)
        return outputs, buffer
