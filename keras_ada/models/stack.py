"""A hierarchy of autoregressive discrete autoencoders with a prior on top."""

import math
import weakref

import keras
import numpy as np

from keras_ada import sampling
from keras_ada.audio import mu_law_decode
from keras_ada.models.ada import ADA
from keras_ada.models.building import build_model
from keras_ada.models.stack_directory import StackDirectory
from keras_ada.models.wavenet import WaveNet
from keras_ada.validation import check_int_in_range


class Stack:
    """Levels of ADAs (bottom first) and an unconditional prior on the top codes.

    Level 0 is an ADA on audio; level `i > 0` is an ADA on the codes of level
    `i - 1`; the prior is a `WaveNet` on the codes of the last level (paper,
    section 4.4). Each is a normal Keras model, trained separately with `fit`
    on the sequence it models: `codes_for_level(audio, i)` is that sequence for
    model `i` (`i = num_levels` for the prior), obtained by encoding audio
    through the levels below it.

    A sequence modelled at level `i` has one step per `input_hop(i)` audio
    samples; the prior's receptive field covers `receptive_field =
    hop * prior.receptive_field` audio samples (`hop` the product of the
    levels' hops).

    `codes_for_level` is the one way audio is encoded through the levels: the
    code datasets of `keras_ada.data` and the training of a level above call it.
    While a stack is trained level by level, the levels trained so far make a
    stack without a prior (`prior=None`) that encodes but cannot sample.

    Args:
        levels: a list of `ADA` models, bottom first; level `i + 1` models the
            codes of level `i` (its `num_classes` is level `i`'s `num_codes`).
        prior: a `WaveNet` over the codes of the last level, or `None`.

    Example:

    >>> stack = keras_ada.zoo.load("vqvae_amae_wavenet", scale="tiny")
    >>> stack.hop, stack.num_levels
    (64, 2)
    >>> audio = np.random.default_rng(0).integers(0, 256, size=(1, 256))
    >>> codes = stack.codes_for_level(audio, 2)  # what the prior trains on
    >>> tuple(codes.shape)
    (1, 4)
    >>> import tempfile
    >>> directory = tempfile.mkdtemp()
    >>> stack.save(directory)
    >>> stack = Stack.load(directory)
    """

    def __init__(self, levels, prior=None):
        levels = list(levels)
        if not levels or not all(isinstance(level, ADA) for level in levels):
            raise ValueError(
                "`levels` must be a non-empty list of `ADA` models. "
                f"Received: levels={levels!r}"
            )
        if prior is not None and not isinstance(prior, WaveNet):
            raise TypeError(
                f"`prior` must be a `WaveNet` or None. Received: prior={prior!r}"
            )
        above_levels = levels[1:] + ([prior] if prior is not None else [])
        for index, (below, above) in enumerate(zip(levels, above_levels)):
            if above.num_classes != below.num_codes:
                raise ValueError(
                    f"Model {index + 1} of the stack models the codes of level {index}, "
                    f"so its `num_classes` must be {below.num_codes}. "
                    f"Received: num_classes={above.num_classes}"
                )
        self.levels = levels
        self.prior = prior

    @property
    def num_levels(self) -> int:
        """Number of ADA levels (the prior not included)."""
        return len(self.levels)

    @property
    def models(self) -> list:
        """The levels, bottom first, then the prior (if any): model `i`."""
        return self.levels + ([self.prior] if self.prior is not None else [])

    @property
    def hop(self) -> int:
        """Audio samples per code of the top level: the product of the hops."""
        return self.input_hop(self.num_levels)

    @property
    def receptive_field(self) -> int:
        """The prior's receptive field in audio samples."""
        self._check_prior()
        return self.hop * self.prior.receptive_field

    def model(self, level: int):
        """Returns model `level`: ADA `level` for `level < num_levels`, else the prior."""
        self._check_level(level)
        return self.models[level]

    def input_hop(self, level: int) -> int:
        """Audio samples per step of the sequence that model `level` models."""
        self._check_level(level)
        return math.prod(ada.hop for ada in self.levels[:level])

    def codes_for_level(self, audio, level: int, batch_size: int | None = None):
        """Returns the sequence that model `level` models, for a batch of audio.

        Level 0 is the audio itself; level `i` is the codes that ADA `i - 1`
        gives for level `i - 1`'s sequence. Each ADA's `encode` runs compiled
        (`predict_on_batch`), `batch_size` sequences at a time.

        Args:
            audio: int mu-law audio `(batch, time)`, `time` a multiple of
                `input_hop(level)`.
            level: `0 <= level <= num_levels`.
            batch_size: optional number of sequences encoded at once.

        Returns:
            A numpy int32 array `(batch, time // input_hop(level))`.
        """
        sequence = self._audio_for_level(audio, level)
        for ada in self.levels[:level]:
            sequence = _encode(ada, sequence, batch_size)
        return sequence

    def encode(self, audio, batch_size: int | None = None) -> list:
        """Returns the code sequences of every level for a batch of audio, bottom first.

        `audio` is `(batch, time)` int mu-law audio, `time` a multiple of `hop`.
        """
        sequence = self._audio_for_level(audio, self.num_levels)
        codes = []
        for ada in self.levels:
            sequence = _encode(ada, sequence, batch_size)
            codes.append(sequence)
        return codes

    def sample(
        self,
        seconds: float,
        batch_size: int = 1,
        temperatures=1.0,
        seed: int | None = None,
        **kwargs,
    ):
        """Samples mu-law classes top down: the prior's codes, then each level.

        `sample_audio` gives the waveform in [-1, 1] instead.

        Args:
            seconds: duration at 16 kHz, rounded up to whole top-level codes.
            batch_size: number of samples.
            temperatures: a scalar, or one per model in `models` order (levels
                bottom first, then the prior); 0 is greedy.
            seed: integer seed; the same seed gives the same audio.
            **kwargs: `sample_rate`, `return_codes`, `verbose`; see
                `keras_ada.sampling.sample_stack`.

        Returns:
            Mu-law audio classes, an int32 numpy array `(batch, time)`;
            `keras_ada.audio.mu_law_decode` turns them into a waveform in [-1, 1].

        Example:

        >>> stack = keras_ada.zoo.load("vqvae_amae_wavenet", scale="tiny")
        >>> audio = stack.sample(0.01, batch_size=2, temperatures=[0.9, 1.0, 1.0],
        ...                      seed=0, verbose=0)
        >>> audio.shape
        (2, 192)
        >>> waveform = keras_ada.audio.mu_law_decode(audio)
        """
        self._check_prior()
        return sampling.sample_stack(
            self,
            seconds,
            batch_size=batch_size,
            temperatures=temperatures,
            seed=seed,
            **kwargs,
        )

    def sample_audio(
        self,
        seconds: float,
        batch_size: int = 1,
        temperatures=1.0,
        seed: int | None = None,
        **kwargs,
    ) -> np.ndarray:
        """Samples waveforms: `sample`, decoded from mu-law classes.

        Takes the arguments of `sample` (but `return_codes`) and returns a
        float32 NumPy array `(batch, time)` in [-1, 1].
        """
        classes = self.sample(seconds, batch_size, temperatures, seed, **kwargs)
        return np.asarray(keras.ops.convert_to_numpy(mu_law_decode(classes)))

    def reconstruct(
        self,
        audio,
        num_levels: int | None = None,
        temperatures=1.0,
        seed: int | None = None,
        **kwargs,
    ):
        """Encodes audio through the levels and decodes it back down by sampling.

        Args:
            audio: int mu-law audio `(batch, time)` or a float waveform in
                [-1, 1]; `time` a multiple of the hop of the levels used.
            num_levels: levels to go up before decoding; all by default.
            temperatures: a scalar, or one per model in `models` order.
            seed: integer seed.
            **kwargs: `verbose`; see `keras_ada.sampling.reconstruct_stack`.

        Returns:
            The reconstruction, int32 mu-law classes `(batch, time)`.
        """
        return sampling.reconstruct_stack(
            self,
            audio,
            num_levels=num_levels,
            temperatures=temperatures,
            seed=seed,
            **kwargs,
        )

    def save(self, path: str):
        """Saves the stack to a directory (see `StackDirectory`)."""
        self._check_prior()
        directory = StackDirectory(path)
        directory.write(self.num_levels)
        for level, model in enumerate(self.models):
            model.save(directory.model_file(level))

    @classmethod
    def load(
        cls, path: str, compile: bool = True, num_models: int | None = None
    ) -> "Stack":
        """Loads a stack saved by `save()` (or trained level by level into `path`).

        Args:
            path: a stack directory.
            compile: whether to restore the models' compiled set-up.
            num_models: load only the first models (levels bottom first, then
                the prior): `num_models <= num_levels` gives a stack of the
                levels trained so far, without a prior. All by default.
        """
        directory = StackDirectory(path)
        num_levels = directory.num_levels()
        num_models = num_levels + 1 if num_models is None else num_models
        models = [
            keras.saving.load_model(
                directory.trained_model_file(level), compile=compile
            )
            for level in range(num_models)
        ]
        if num_models <= num_levels:
            return cls(models)
        return cls(models[:-1], models[-1])

    def load_weights(self, path: str):
        """Loads the weights of every model from a stack directory of this shape."""
        directory = StackDirectory(path)
        num_levels = directory.num_levels()
        if num_levels != self.num_levels:
            raise ValueError(
                f"The stack in {path!r} has {num_levels} levels; the model has "
                f"{self.num_levels}."
            )
        for level, model in enumerate(self.models):
            build_model(model).load_weights(directory.trained_model_file(level))
        return self

    def _audio_for_level(self, audio, level):
        self._check_level(level)
        sequence = np.asarray(keras.ops.convert_to_numpy(audio)).astype("int32")
        if sequence.ndim != 2 or sequence.shape[1] % self.input_hop(level):
            raise ValueError(
                "`audio` must have shape (batch, time) with `time` a multiple of "
                f"{self.input_hop(level)} to be encoded to level {level}. "
                f"Received: audio.shape={sequence.shape}"
            )
        return sequence

    def _check_level(self, level):
        check_int_in_range("level", level, 0, self.num_levels)

    def _check_prior(self):
        if self.prior is None:
            raise ValueError(
                "This stack has no prior (its levels only encode): give it one to "
                "sample, save or measure its receptive field."
            )

    def __repr__(self):
        names = ", ".join(model.name for model in self.models)
        if self.prior is None:
            return f"<Stack levels=[{names}] hop={self.hop}>"
        return (
            f"<Stack levels+prior=[{names}] hop={self.hop} rf={self.receptive_field}>"
        )


class _Encoding(keras.Model):
    """`ada.encode` as a model, so that `predict_on_batch` compiles it."""

    def __init__(self, ada, **kwargs):
        super().__init__(name=f"{ada.name}_encoding", **kwargs)
        self.ada = ada

    def call(self, inputs):
        return self.ada.encode(inputs)


_ENCODINGS = weakref.WeakKeyDictionary()


def _encode(ada, sequence, batch_size):
    """Encodes a numpy batch with one ADA, `batch_size` sequences at a time."""
    if ada not in _ENCODINGS:
        _ENCODINGS[ada] = _Encoding(ada)
    encoding = _ENCODINGS[ada]
    batch_size = batch_size or len(sequence)
    chunks = [
        np.asarray(encoding.predict_on_batch(sequence[start : start + batch_size]))
        for start in range(0, len(sequence), batch_size)
    ]
    return np.concatenate(chunks, axis=0).astype("int32")
