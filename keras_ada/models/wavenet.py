"""The WaveNet: an autoregressive model of audio samples or code sequences."""

import keras
from keras import ops

from keras_ada.layers import DilatedResidualStack
from keras_ada.layers import InputRepresentation
from keras_ada.layers import MatmulConv1D
from keras_ada.layers.causal_queue import pointwise
from keras_ada.models.autoregressive_model import AutoregressiveModel
from keras_ada.models.compiled import Compiled
from keras_ada.sampling.incremental import DEFAULT_CHUNK_SIZE
from keras_ada.sampling.incremental import IncrementalSampler


@keras.saving.register_keras_serializable(package="keras_ada")
class WaveNet(AutoregressiveModel):
    """Causal dilated gated convolutions predicting the next class of a sequence.

    Input classes (mu-law audio or codes) are represented as a continuous scalar,
    one-hot vectors or an embedding, shifted one step to the right, and passed
    through a causal `DilatedResidualStack` (`repeats x stages` blocks with
    dilations 1..2^(stages-1)). The skip sum goes through
    ReLU -> 1x1 -> ReLU -> 1x1 to `num_classes` logits. Output `t` is the
    distribution of `x[:, t]` given `x[:, :t]` (and `condition[:, t]`), so the model
    trains teacher-forced on whole sequences.

    The receptive field is `repeats * (kernel_size - 1) * 2^stages` past steps:
    1024 for the paper's local model (4 x 8, filter 2), 6144 for the large WaveNet
    (3 x 10, filter 3), 12288 for the very large one (6 x 10), 49152 for the thin one
    (3 x 13).

    Args:
        num_classes: size of the input and output alphabet (256).
        repeats: repetitions of the dilation pattern.
        stages: dilation stages per repeat.
        residual_channels: size of the residual stream.
        inner_channels: size after each block's gate.
        kernel_size: filter length of the dilated convolutions.
        skip_channels: size of the skip sum; defaults to `residual_channels`.
        head_channels: size of the hidden 1x1 layer of the output head; defaults to
            `skip_channels`.
        input_format: `"continuous"`, `"one_hot"` or `"embedding"`.
        embedding_dim: embedding size for `input_format="embedding"`.

    Call arguments:
        inputs: integer tensor `(batch, time)`.
        condition: optional per-block biases `(batch, time, condition_channels)`,
            e.g. from an ADA's modulator.

    Returns:
        Logits `(batch, time, num_classes)`, in float32.

    The model also runs one step at a time, as a Keras RNN cell does:
    `initial_state(batch_size)` or `prefill(prime)`, then
    `step(inputs_t, state, condition_t)` gives the logits of the next class from
    the previous one, equal to `call`'s at that position. `generate` samples
    with it.

    Example:

    >>> model = WaveNet(repeats=2, stages=4, residual_channels=16, inner_channels=8)
    >>> model.compile()
    >>> x = np.random.default_rng(0).integers(0, 256, size=(8, 256))
    >>> history = model.fit(x, epochs=1, verbose=0)
    >>> tuple(model(x[:2]).shape)
    (2, 256, 256)
    >>> logits_t, state = model.step(x[:2, 8], model.prefill(x[:2, :9]))
    >>> full = keras.ops.convert_to_numpy(model(x[:2, :10]))
    >>> np.allclose(keras.ops.convert_to_numpy(logits_t), full[:, 9], atol=1e-4)
    True
    """

    def __init__(
        self,
        num_classes=256,
        repeats=4,
        stages=8,
        residual_channels=384,
        inner_channels=64,
        kernel_size=2,
        skip_channels=None,
        head_channels=None,
        input_format="continuous",
        embedding_dim=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.repeats = repeats
        self.stages = stages
        self.residual_channels = residual_channels
        self.inner_channels = inner_channels
        self.kernel_size = kernel_size
        self.skip_channels = (
            residual_channels if skip_channels is None else skip_channels
        )
        self.head_channels = (
            self.skip_channels if head_channels is None else head_channels
        )
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
            causal=True,
            skip_channels=self.skip_channels,
            dtype=self.dtype_policy,
            name="stack",
        )
        self.head_hidden = MatmulConv1D(
            self.head_channels, 1, dtype=self.dtype_policy, name="head_hidden"
        )
        self.head_logits = MatmulConv1D(
            num_classes, 1, dtype=self.dtype_policy, name="head_logits"
        )
        self._compiled = Compiled()

    @property
    def receptive_field(self):
        """Number of past timesteps that one prediction depends on."""
        return self.stack.receptive_field

    @property
    def context_length(self):
        """Context steps of a training excerpt: the receptive field."""
        return self.receptive_field

    @property
    def condition_channels(self):
        """Channels of the `condition` input (one bias per block)."""
        return self.stack.condition_channels

    def shift_right(self, features):
        """Delays a feature sequence by one step, so output t never sees input t."""
        return ops.pad(features, ((0, 0), (1, 0), (0, 0)))[:, :-1]

    def build(self, input_shape):
        self.representation.build(input_shape)
        features_shape = tuple(input_shape) + (self.representation.output_dim,)
        self.stack.build(features_shape)
        skip_shape = tuple(input_shape) + (self.skip_channels,)
        self.head_hidden.build(skip_shape)
        self.head_logits.build(tuple(input_shape) + (self.head_channels,))

    def head(self, skip_sum):
        """Output head: ReLU -> 1x1 -> ReLU -> 1x1 -> float32 logits.

        `skip_sum` is `(..., skip_channels)`: a sequence or one step.
        """
        hidden = pointwise(self.head_hidden, ops.relu(skip_sum))
        return ops.cast(pointwise(self.head_logits, ops.relu(hidden)), "float32")

    def call(self, inputs, condition=None):
        features = self.shift_right(self.representation(inputs))
        return self.head(self.stack(features, condition=condition))

    # === One step at a time ===

    def initial_state(self, batch_size, dtype=None):
        """The state before the first step (`DilatedResidualStack.initial_state`)."""
        return self.stack.initial_state(batch_size, dtype or self.compute_dtype)

    def prefill(self, prime, condition=None):
        """The state after teacher-forcing `prime` `(batch, P)`, in one full pass.

        The next `step` takes `prime[:, -1]` and gives the logits of step `P`.

        Args:
            prime: int tensor `(batch, P)`, `P >= 1`.
            condition: optional biases `(batch, P, condition_channels)`.
        """
        features = self.shift_right(self.representation(prime))
        _, state = self.stack.prefill(features, condition=condition)
        return state

    def step(self, inputs_t, state, condition_t=None):
        """The logits of step `t` from the class of step `t - 1`.

        Args:
            inputs_t: int classes `(batch,)` of the previous step (ignored at
                `t = 0`, where the shifted input is zero).
            state: from `initial_state`, `prefill` or the last step; its
                `"time"` is `t`.
            condition_t: optional per-block biases `(batch, condition_channels)`.

        Returns:
            `(logits_t, state)`: float32 logits `(batch, num_classes)`, equal to
            `call`'s at `t`, and the state one step later.
        """
        features = self.representation.step(inputs_t)
        started = ops.cast(state["time"] > 0, features.dtype)
        skip_sum, state = self.stack.step(features * started, state, condition_t)
        return self.head(skip_sum), state

    def incremental_sampler(self, chunk_size: int = DEFAULT_CHUNK_SIZE):
        """This model's `keras_ada.sampling.IncrementalSampler` for `chunk_size`.

        The model keeps it (and the compiled loops it holds) for its lifetime;
        it reads the current weights at every call.
        """
        return self._compiled.get(
            ("sampler", chunk_size), lambda: IncrementalSampler(self, chunk_size)
        )

    def generate(
        self,
        num_steps,
        batch_size=None,
        temperature=None,
        seed=None,
        condition=None,
        prime=None,
        top_k=None,
        top_p=None,
        sampler=None,
        chunk_size=DEFAULT_CHUNK_SIZE,
        **kwargs,
    ):
        """Samples `num_steps` new classes, one compiled step at a time.

        Sampling is incremental ("fast WaveNet"): every convolution keeps a queue
        of its past inputs, so a step costs O(layers) whatever the receptive
        field; chunks of steps run as one compiled loop, which the model keeps.
        The step logits equal the teacher-forced logits of `call`. A sampler
        (`keras_ada.sampling`: greedy, random, top-k, top-p) chooses each class.

        Args:
            num_steps: number of new steps.
            batch_size: rows; defaults to the rows of `prime` or `condition`, else 1.
            temperature: scalar or per-row; 0 is greedy (argmax); 1.0 by default.
            seed: integer seed; the same seed gives the same samples.
            condition: optional per-block biases for the whole sequence, prime
                first: `(batch, P + num_steps, condition_channels)`.
            prime: optional int sequence `(batch, P)` to continue.
            top_k: draw among the `top_k` most likely classes.
            top_p: draw from the smallest set of classes holding probability `top_p`.
            sampler: a `keras_ada.sampling.Sampler`, instead of `temperature`,
                `top_k` and `top_p`.
            chunk_size: steps per compiled loop; progress shows between chunks.
            **kwargs: `condition_hop`, `return_logits`, `verbose`, `label`,
                `step_seconds`, `jit_compile`; see
                `keras_ada.sampling.IncrementalSampler.generate`.

        Returns:
            The new steps only (without the prime), an int32 NumPy array
            `(batch, num_steps)`.

        Example:

        >>> model = WaveNet(repeats=2, stages=4, residual_channels=16, inner_channels=8)
        >>> model.generate(1000, batch_size=2, temperature=0.9, seed=0).shape
        (2, 1000)
        >>> sampler = keras_ada.sampling.TopPSampler(p=0.9, seed=0)
        >>> model.generate(100, prime=np.zeros((2, 10), "int32"), sampler=sampler).shape
        (2, 100)
        """
        return self.incremental_sampler(chunk_size).generate(
            num_steps,
            batch_size=batch_size,
            temperature=temperature,
            seed=seed,
            condition=condition,
            prime=prime,
            top_k=top_k,
            top_p=top_p,
            sampler=sampler,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            repeats=self.repeats,
            stages=self.stages,
            residual_channels=self.residual_channels,
            inner_channels=self.inner_channels,
            kernel_size=self.kernel_size,
            skip_channels=self.skip_channels,
            head_channels=self.head_channels,
            input_format=self.input_format,
            embedding_dim=self.embedding_dim,
        )
        return config
