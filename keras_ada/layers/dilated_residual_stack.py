"""A WaveNet stack: input convolution, dilated residual gated blocks, skip sum."""

import keras
from keras import ops

from keras_ada.layers.causal_queue import CausalQueue
from keras_ada.layers.matmul_conv1d import MatmulConv1D
from keras_ada.layers.residual_gated_block import ResidualGatedBlock
from keras_ada.validation import check_positive_int


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

    A causal stack also runs one step at a time: `initial_state`, `step` and
    `prefill` keep one `CausalQueue` per convolution, and a step's skip sum
    equals `call`'s at that position.

    Example:

    >>> stack = DilatedResidualStack(4, 8, 384, 64, kernel_size=2)
    >>> stack.receptive_field
    1024
    >>> small = DilatedResidualStack(2, 3, 8, 4, kernel_size=2)
    >>> inputs = np.random.default_rng(0).normal(size=(1, 10, 5)).astype("float32")
    >>> full = ops.convert_to_numpy(small(inputs))
    >>> state = small.initial_state(batch_size=1)
    >>> steps = []
    >>> for t in range(10):
    ...     skip_t, state = small.step(inputs[:, t], state)
    ...     steps.append(ops.convert_to_numpy(skip_t))
    >>> np.allclose(np.stack(steps, axis=1), full, atol=1e-5)
    True
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
        check_positive_int("repeats", repeats)
        check_positive_int("stages", stages)
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
        residual = self.input_conv(inputs)
        skip_sum = 0.0
        for block, bias in zip(self.blocks, self._biases(condition)):
            residual, skip = block(residual, condition=bias)
            skip_sum = skip_sum + skip
        return skip_sum

    def _biases(self, condition):
        if condition is None:
            return [None] * self.num_blocks
        if condition.shape[-1] != self.condition_channels:
            raise ValueError(
                f"`condition` must have {self.condition_channels} channels "
                f"({self.num_blocks} blocks x 2 x {self.inner_channels}). "
                f"Received: condition.shape={condition.shape}"
            )
        return ops.split(condition, self.num_blocks, axis=-1)

    # === One step at a time (causal stacks) ===

    def initial_state(self, batch_size, dtype=None):
        """The state before time 0: the clock and one empty queue per convolution.

        Returns:
            A dict: `"time"` (int32 scalar), `"input_queue"` and `"block_queues"`
            (one per block).
        """
        dtype = dtype or self.compute_dtype
        return {
            "time": ops.zeros((), "int32"),
            "input_queue": self._input_queue.zeros(batch_size, dtype),
            "block_queues": tuple(
                block.initial_state(batch_size, dtype) for block in self.blocks
            ),
        }

    @property
    def _input_queue(self):
        if not self.causal:
            raise ValueError(
                "Only a causal stack runs step by step. Received: causal=False"
            )
        channels = self.input_conv.kernel.shape[1]
        return CausalQueue(self.input_kernel_size, 1, channels)

    def prefill(self, inputs, condition=None):
        """`call` over a teacher-forced sequence `(batch, P, channels)`, `P >= 1`.

        Returns:
            `(skip_sum, state)`: the state is the one after step `P - 1`.
        """
        residual = self.input_conv(inputs)
        skip_sum = 0.0
        block_queues = []
        for block, bias in zip(self.blocks, self._biases(condition)):
            (residual, skip), queue = block.prefill(residual, condition=bias)
            block_queues.append(queue)
            skip_sum = skip_sum + skip
        state = {
            "time": ops.convert_to_tensor(inputs.shape[1], "int32"),
            "input_queue": self._input_queue.from_sequence(inputs, self.compute_dtype),
            "block_queues": tuple(block_queues),
        }
        return skip_sum, state

    def step(self, inputs_t, state, condition_t=None):
        """`call` at one time step.

        Args:
            inputs_t: the input at the state's time, `(batch, channels)`.
            state: from `initial_state`, `prefill` or the last step.
            condition_t: optional per-block biases `(batch, condition_channels)`.

        Returns:
            `(skip_sum_t, state)`: the skip sum `(batch, skip_channels)` and the
            state one step later.
        """
        time = state["time"]
        inputs_t = ops.cast(inputs_t, self.compute_dtype)
        residual, input_queue = self._input_queue.convolve(
            self.input_conv, state["input_queue"], inputs_t, time
        )
        skip_sum = 0.0
        block_queues = []
        for block, queue, bias in zip(
            self.blocks, state["block_queues"], self._biases(condition_t)
        ):
            (residual, skip), queue = block.step(residual, queue, time, bias)
            block_queues.append(queue)
            skip_sum = skip_sum + skip
        state = {
            "time": time + 1,
            "input_queue": input_queue,
            "block_queues": tuple(block_queues),
        }
        return skip_sum, state

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
