"""A hierarchy of autoregressive discrete autoencoders with a prior on top."""

import math

import keras
import numpy as np

from keras_ada.audio import mu_law_decode
from keras_ada.models.ada import ADA
from keras_ada.models.building import build_model
from keras_ada.models.preset import PresetMixin
from keras_ada.models.stack_directory import StackDirectory
from keras_ada.models.stack_sampling import reconstruct_stack
from keras_ada.models.stack_sampling import sample_stack
from keras_ada.models.wavenet import WaveNet
from keras_ada.validation import check_int_in_range


@keras.saving.register_keras_serializable(package="keras_ada")
class Stack(PresetMixin, keras.Model):
    """Levels of ADAs (bottom first) and an unconditional prior on the top codes.

    Level 0 is an ADA on audio; level `i > 0` is an ADA on the codes of level
    `i - 1`; the prior is a `WaveNet` on the codes of the last level (paper,
    section 4.4). The stack is a Keras model whose sub-models are its levels
    and its prior (`models`, model `i`): it compiles, fits, saves to one
    `.keras` file and loads like any Keras model; `save_to_preset` and
    `from_preset` write and read it as a preset (KerasHub's layout).

    `fit` trains the hierarchy the paper's way: each model in turn, bottom up,
    on the sequence it models, which the already trained levels below give
    (`codes_for_level(audio, i)`, `i = num_levels` for the prior). Calling the
    stack on audio gives the code sequences of every level.

    A sequence modelled at level `i` has one step per `input_hop(i)` audio
    samples; the prior's receptive field covers `receptive_field =
    hop * prior.receptive_field` audio samples (`hop` the product of the
    levels' hops). While a stack is trained level by level, the levels trained
    so far make a stack without a prior (`prior=None`) that encodes but cannot
    sample.

    Args:
        levels: a list of `ADA` models, bottom first; level `i + 1` models the
            codes of level `i` (its `num_classes` is level `i`'s `num_codes`).
        prior: a `WaveNet` over the codes of the last level, or `None`.
        **kwargs: `keras.Model` arguments (`name`).

    Call arguments:
        inputs: int mu-law audio `(batch, time)`, `time` a multiple of `hop`.

    Returns:
        A list of the code sequences of every level, bottom first: int32
        tensors `(batch, time // input_hop(i + 1))`.

    Example:

    >>> stack = keras_ada.zoo.load("vqvae_amae_wavenet", scale="tiny")
    >>> stack.hop, stack.num_levels
    (64, 2)
    >>> # Longer than the prior's context: 64 codes of 64 samples.
    >>> audio = np.random.default_rng(0).integers(0, 256, size=(8, 4160))
    >>> stack.compile(learning_rate=2e-3)
    >>> histories = stack.fit(audio, epochs=1, verbose=0)  # levels, then prior
    >>> [sorted(history.history) for history in histories][-1]
    ['loss', 'nll']
    >>> codes = stack.codes_for_level(audio[:1, :256], 2)  # what the prior models
    >>> tuple(codes.shape)
    (1, 4)
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "stack.keras")
    >>> stack.save(path)
    >>> stack = keras.saving.load_model(path)
    """

    def __init__(self, levels, prior=None, **kwargs):
        super().__init__(**kwargs)
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
        for model in self.models:
            build_model(model)
        self.built = True

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

    def call(self, inputs):
        sequence = inputs
        codes = []
        for ada in self.levels:
            sequence = ada.encode(sequence)
            codes.append(sequence)
        return codes

    def codes_for_level(self, audio, level: int, batch_size: int | None = None):
        """Returns the sequence that model `level` models, for a batch of audio.

        Level 0 is the audio itself; level `i` is the codes that ADA `i - 1`
        gives for level `i - 1`'s sequence. Each ADA encodes compiled
        (`ADA.predict_codes`), `batch_size` sequences at a time.

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
            sequence = ada.predict_codes(sequence, batch_size)
        return sequence

    def encode(self, audio, batch_size: int | None = None) -> list:
        """Returns the code sequences of every level for a batch of audio, bottom first.

        `audio` is `(batch, time)` int mu-law audio, `time` a multiple of `hop`.
        """
        sequence = self._audio_for_level(audio, self.num_levels)
        codes = []
        for ada in self.levels:
            sequence = ada.predict_codes(sequence, batch_size)
            codes.append(sequence)
        return codes

    def compile(self, optimizer=None, learning_rate=None, ema_momentum=None, **kwargs):
        """Compiles every model of the stack; no arguments give the paper's set-up.

        Each model gets its own optimizer: the paper's Adam with Polyak
        averaging at the model's own `ema_momentum` (its scale's), or a copy of
        `optimizer`. See `keras_ada.models.WaveNet.compile`.

        Args:
            optimizer: a Keras optimizer (or its name) copied for each model,
                or None for the paper's.
            learning_rate: the default optimizer's learning rate (2e-4).
            ema_momentum: the default optimizer's Polyak decay; each model's
                own by default.
            **kwargs: further `keras.Model.compile` arguments of each model.
        """
        for model in self.models:
            model.compile(
                optimizer=_copy_optimizer(optimizer),
                learning_rate=learning_rate,
                ema_momentum=ema_momentum,
                **kwargs,
            )
        self._compile_arguments = keras.saving.serialize_keras_object(
            dict(
                optimizer=optimizer,
                learning_rate=learning_rate,
                ema_momentum=ema_momentum,
                **kwargs,
            )
        )
        self.compiled = True

    def get_compile_config(self):
        """The arguments of `compile`, saved with the stack."""
        return self._compile_arguments if self.compiled else None

    def compile_from_config(self, config):
        """Restores the compiled set-up when a `.keras` file is loaded."""
        self.compile(**keras.saving.deserialize_keras_object(config))

    def fit(
        self,
        x=None,
        epochs=1,
        steps_per_epoch=None,
        validation_data=None,
        validation_steps=None,
        batch_size=None,
        models=None,
        **kwargs,
    ) -> list:
        """Trains the models bottom up, each on the sequences the levels below give.

        Model `i` (level `i`, or the prior for `i = num_levels`) trains with
        its own `fit` on `codes_for_level(audio, i)`: the audio for level 0,
        the codes of the already trained levels below for the others. Every
        model scores only the steps after its context (`context_length`), so
        the audio excerpts must be longer than `input_hop(i)` times that
        context for every model trained.

        Args:
            x: int mu-law audio: a NumPy array `(batch, time)`, or an iterable
                of such batches (a `tf.data.Dataset`, a generator), endless or
                not; `time` a multiple of `hop`.
            epochs: epochs of each model: an int, or one per model.
            steps_per_epoch: steps per epoch of each model: an int or None,
                or one per model (needed for endless data).
            validation_data: optional audio of the same forms, evaluated
                after each epoch of each model on the sequences of its level.
            validation_steps: batches of `validation_data` per evaluation
                (needed for endless data).
            batch_size: sequences per step when `x` is an array.
            models: indices of the models to train (all by default): train
                model `i` once the levels below it are trained.
            **kwargs: further `keras.Model.fit` arguments (`callbacks`,
                `verbose`, ...), given to each model's `fit`.

        Returns:
            A list with the `History` of each model trained, in order.
        """
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")
        indices = range(len(self.models)) if models is None else list(models)
        # Every argument is checked before the first model trains.
        schedule = {}
        for index in indices:
            check_int_in_range("models[i]", index, 0, len(self.models) - 1)
            schedule[index] = (
                _for_model(epochs, index, "epochs"),
                _for_model(steps_per_epoch, index, "steps_per_epoch"),
            )
            if isinstance(x, np.ndarray) or keras.ops.is_tensor(x):
                self._check_length(index, x.shape[1] // self.input_hop(index))
        if not isinstance(x, np.ndarray):
            # Batches come shuffled (Keras warns that it cannot shuffle them).
            kwargs.setdefault("shuffle", False)
        histories = []
        for index, (model_epochs, model_steps) in schedule.items():
            model = self.models[index]
            if kwargs.get("verbose", "auto") != 0:
                print(
                    f"Model {index} of {len(self.models)} ({model.name}): "
                    f"{'the prior' if model is self.prior else f'level {index}'}"
                )
            validation = None
            if validation_data is not None:
                validation = self._validation_sequences(
                    validation_data, index, validation_steps
                )
            histories.append(
                model.fit(
                    self._sequences(x, index, model_epochs),
                    epochs=model_epochs,
                    steps_per_epoch=model_steps,
                    validation_data=validation,
                    batch_size=batch_size if isinstance(x, np.ndarray) else None,
                    **kwargs,
                )
            )
        return histories

    def sample(
        self,
        seconds: float,
        batch_size: int | None = None,
        temperatures=None,
        seed: int | None = None,
        prime=None,
        top_k=None,
        top_p=None,
        sampler=None,
        **kwargs,
    ):
        """Samples mu-law classes top down: the prior's codes, then each level.

        The prior samples the top-level codes; every ADA, top down, renders its
        codes to the sequence below, the last one to audio. With a `prime`
        (Jukebox's primed sampling), the prime is encoded through the levels
        (the whole hops of each level's sequence), the prior continues the
        prime's top-level codes and every level's decoder the prime's sequence
        at its level: the output is the prime, unchanged, followed by
        `seconds` of new audio. `sample_audio` gives waveforms instead.

        The sampling arguments take one value for every model, or a list of one
        per model in `models` order (levels bottom first, then the prior);
        each model gets its own seed derived from `seed`.

        Args:
            seconds: duration of the new audio at 16 kHz, rounded up to whole
                top-level codes (`hop` samples each).
            batch_size: number of samples; the prime's rows, else 1, by default.
            temperatures: sampling temperature(s); 0 is greedy; 1.0 by default.
            seed: integer seed; the same seed gives the same audio.
            prime: optional audio to continue: int mu-law classes or a float
                waveform in [-1, 1], `(time,)`, `(1, time)` (one prime for the
                whole batch) or `(batch_size, time)`; any length.
            top_k: draw among the `top_k` most likely classes.
            top_p: draw from the smallest set of classes holding probability `top_p`.
            sampler: `keras_ada.sampling.Sampler`(s), instead of `temperatures`,
                `top_k` and `top_p`.
            **kwargs: `sample_rate` (16000), `return_codes` (whether to also
                return the code sequences of every level, bottom first),
                `verbose` (one labelled progress bar per model: `"auto"`, 0, 1),
                `callback` (a function called with each chunk of new audio
                classes `(batch, count)` as soon as it is sampled: to write a
                long sample as it goes).

        Returns:
            Mu-law audio classes, an int32 numpy array `(batch, time)`, the
            prime first if any; `keras_ada.audio.mu_law_decode` turns them into
            a waveform in [-1, 1]. With `return_codes`, also the list of code
            sequences, bottom level first.

        Example:

        >>> stack = keras_ada.zoo.load("vqvae_amae_wavenet", scale="tiny")
        >>> audio = stack.sample(0.01, batch_size=2, temperatures=[0.9, 1.0, 1.0],
        ...                      seed=0, verbose=0)
        >>> audio.shape
        (2, 192)
        >>> waveform = keras_ada.audio.mu_law_decode(audio)
        >>> more = stack.sample(0.01, prime=audio, top_k=[20, 5, 5], seed=1, verbose=0)
        >>> more.shape, bool((more[:, :192] == audio).all())
        ((2, 384), True)
        """
        self._check_prior()
        return sample_stack(
            self,
            seconds,
            batch_size=batch_size,
            temperatures=temperatures,
            seed=seed,
            prime=prime,
            top_k=top_k,
            top_p=top_p,
            sampler=sampler,
            **kwargs,
        )

    def sample_audio(
        self,
        seconds: float,
        batch_size: int | None = None,
        temperatures=None,
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
        temperatures=None,
        seed: int | None = None,
        top_k=None,
        top_p=None,
        sampler=None,
        **kwargs,
    ):
        """Encodes audio through the levels and decodes it back down by sampling.

        Args:
            audio: int mu-law audio `(batch, time)` or a float waveform in
                [-1, 1]; `time` a multiple of the hop of the levels used.
            num_levels: levels to go up before decoding; all by default.
            temperatures: one value, or one per model in `models` order (the
                prior's is unused); 1.0 by default.
            seed: integer seed; each level gets its own seed derived from it.
            top_k: one value or one per model, as `temperatures`.
            top_p: one value or one per model, as `temperatures`.
            sampler: `keras_ada.sampling.Sampler`(s), instead of `temperatures`,
                `top_k` and `top_p`.
            **kwargs: `verbose`.

        Returns:
            The reconstruction, int32 mu-law classes `(batch, time)`.
        """
        return reconstruct_stack(
            self,
            audio,
            num_levels=num_levels,
            temperatures=temperatures,
            seed=seed,
            top_k=top_k,
            top_p=top_p,
            sampler=sampler,
            **kwargs,
        )

    def save_levels(self, path: str):
        """Saves each model to its own `.keras` file in a stack directory.

        This is the layout that the level-by-level training of
        `keras-ada train NAME --level i` writes (see `StackDirectory`);
        `Stack.load` reads it back. `save` writes one `.keras` file instead.
        """
        self._check_prior()
        directory = StackDirectory(path)
        directory.write(self.num_levels)
        for level, model in enumerate(self.models):
            model.save(directory.model_file(level))

    @classmethod
    def load(
        cls, path: str, compile: bool = True, num_models: int | None = None
    ) -> "Stack":
        """Loads a stack from a `.keras` file or a stack directory.

        Args:
            path: a `.keras` file written by `save`, or a stack directory
                (`save_levels`, or a stack trained level by level).
            compile: whether to restore the models' compiled set-up.
            num_models: from a directory, load only the first models (levels
                bottom first, then the prior): `num_models <= num_levels`
                gives a stack of the levels trained so far, without a prior.
                All by default.
        """
        if not StackDirectory(path).exists() and str(path).endswith(".keras"):
            stack = keras.saving.load_model(path, compile=compile)
            if not isinstance(stack, cls):
                raise TypeError(
                    f"{path!r} holds a {type(stack).__name__}, not a {cls.__name__}."
                )
            return stack
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

    def load_weights(self, filepath, *args, **kwargs):
        """Loads weights from a `.weights.h5` file, or every model's from a stack
        directory of this shape."""
        if not StackDirectory(filepath).exists():
            return super().load_weights(filepath, *args, **kwargs)
        directory = StackDirectory(filepath)
        num_levels = directory.num_levels()
        if num_levels != self.num_levels:
            raise ValueError(
                f"The stack in {filepath!r} has {num_levels} levels; the model has "
                f"{self.num_levels}."
            )
        for level, model in enumerate(self.models):
            model.load_weights(directory.trained_model_file(level))
        return self

    def get_config(self):
        config = super().get_config()
        config.update(
            levels=[keras.saving.serialize_keras_object(ada) for ada in self.levels],
            prior=keras.saving.serialize_keras_object(self.prior),
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["levels"] = [
            keras.saving.deserialize_keras_object(ada) for ada in config["levels"]
        ]
        config["prior"] = keras.saving.deserialize_keras_object(config["prior"])
        return cls(**config)

    def _sequences(self, audio, index, epochs):
        """The training data of model `index` from audio: arrays or batches."""
        if isinstance(audio, np.ndarray) or keras.ops.is_tensor(audio):
            sequences = self.codes_for_level(audio, index)
            self._check_length(index, sequences.shape[1])
            return sequences
        if index == 0 and hasattr(audio, "element_spec"):
            return audio  # a `tf.data.Dataset` of audio, as it is
        return self._sequence_batches(audio, index, epochs)

    def _sequence_batches(self, batches, index, passes):
        """Encodes audio batches for model `index`, over `passes` passes of them."""
        for _ in range(passes):
            for batch in batches:
                if isinstance(batch, tuple):
                    batch = batch[0]
                sequences = self.codes_for_level(np.asarray(batch), index)
                self._check_length(index, sequences.shape[1])
                yield (sequences,)

    def _validation_sequences(self, audio, index, steps):
        """The validation data of model `index`, encoded once as one array."""
        if isinstance(audio, np.ndarray) or keras.ops.is_tensor(audio):
            return self.codes_for_level(audio, index)
        batches = []
        for batch in self._sequence_batches(audio, index, 1):
            batches.append(batch[0])
            if steps is not None and len(batches) == steps:
                break
        return np.concatenate(batches)

    def _check_length(self, index, length):
        context = self.models[index].context_length
        if length <= context:
            hop = self.input_hop(index)
            raise ValueError(
                f"Model {index} of the stack ({self.models[index].name}) scores the "
                f"steps after its context of {context} steps, so the audio excerpts "
                f"must be longer than {context * hop} samples. "
                f"Received: excerpts of {length * hop} samples"
            )

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


def _for_model(value, index, name):
    """`value` for model `index`: the value itself, or its entry in a list."""
    if isinstance(value, (list, tuple)):
        if index >= len(value):
            raise ValueError(
                f"`{name}` must be one value, or one per model of the stack. "
                f"Received: {name}={value!r}"
            )
        return value[index]
    return value


def _copy_optimizer(optimizer):
    """A fresh optimizer of the same configuration (each model needs its own)."""
    if optimizer is None or isinstance(optimizer, str):
        return optimizer
    return keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
