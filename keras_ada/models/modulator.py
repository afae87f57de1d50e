"""The ADA modulator: turns quantised queries into biases for the local model."""

import keras
from keras import ops

from keras_ada.models.non_causal_stack import NonCausalStack
from keras_ada.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_ada")
class Modulator(NonCausalStack):
    """Processes the quantised query sequence at the code rate into per-block biases.

    A non-causal `DilatedResidualStack` runs over the quantised queries, then
    ReLU -> 1x1 convolution to `condition_channels` (one bias of size
    `2 * inner_channels` for each dilated convolution of the local model), and each
    code-rate step is repeated `hop` times to reach the input rate. This is the
    conditioning stack of WaveNet text-to-speech, applied to learnt codes.

    Args:
        condition_channels: output size, `local_model.condition_channels`.
        hop: upsampling factor, the ADA's hop.
        repeats, stages, residual_channels, inner_channels, kernel_size: the
            stack's sizes (paper: 2 x 8, 256, 256, filter 3).

    Call arguments:
        inputs: quantised queries `(batch, codes, channels)`.
        upsample: whether to repeat each code's biases `hop` times (the input
            rate, for training); `False` keeps one row per code (the code rate,
            for sampling, which indexes them by `t // hop`: `hop` times less
            memory).

    Returns:
        Biases `(batch, codes * hop, condition_channels)`, or
        `(batch, codes, condition_channels)` with `upsample=False`.

    Example:

    >>> modulator = Modulator(32, hop=4, repeats=1, stages=2,
    ...                       residual_channels=8, inner_channels=8)
    >>> queries = np.zeros((2, 5, 3), "float32")
    >>> tuple(modulator(queries).shape)
    (2, 20, 32)
    >>> tuple(modulator(queries, upsample=False).shape)
    (2, 5, 32)
    """

    def __init__(
        self,
        condition_channels,
        hop=8,
        repeats=2,
        stages=8,
        residual_channels=256,
        inner_channels=256,
        kernel_size=3,
        **kwargs,
    ):
        super().__init__(
            condition_channels,
            repeats,
            stages,
            residual_channels,
            inner_channels,
            kernel_size,
            **kwargs,
        )
        check_positive_int("hop", hop)
        self.condition_channels = condition_channels
        self.hop = hop

    def call(self, inputs, upsample=True):
        biases = super().call(inputs)
        return ops.repeat(biases, self.hop, axis=1) if upsample else biases

    def compute_output_shape(self, input_shape, upsample=True):
        time = input_shape[1]
        if upsample and time is not None:
            time = time * self.hop
        return (input_shape[0], time, self.condition_channels)

    def get_config(self):
        config = super().get_config()
        config.update(
            condition_channels=self.condition_channels,
            hop=self.hop,
        )
        return config
