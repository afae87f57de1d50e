"""The autoregressive discrete autoencoder (ADA), paper section 3."""

import keras
import numpy as np

from keras_ada.layers.perplexity import codebook_perplexity
from keras_ada.models.autoregressive_model import AutoregressiveModel
from keras_ada.models.compiled import Compiled
from keras_ada.validation import check_classes


@keras.saving.register_keras_serializable(package="keras_ada")
class ADA(AutoregressiveModel):
    """Encoder -> quantiser -> modulator -> autoregressive local model.

    The encoder turns the input `x` (integer classes, `(batch, time)`) into one
    query per `hop` steps; the quantiser discretises the queries (a
    `VectorQuantiser` makes a VQ-VAE, an `ArgmaxQuantiser` an AMAE), giving the
    code sequence `y`; the modulator turns the quantised queries into per-block
    biases for the local model, a causal `WaveNet` that predicts `x[t]` from
    `x[:t]` and the biases. The loss is the NLL of `x` given the quantised queries
    (nats per timestep, logged as `nll`) plus the quantiser's own loss
    (commitment or diversity); the batch's codebook perplexity is logged as
    `perplexity`.

    Args:
        encoder: a `keras_ada.models.Encoder`.
        quantiser: a `VectorQuantiser` or `ArgmaxQuantiser` whose `code_dim`
            equals `encoder.query_dim`.
        modulator: a `keras_ada.models.Modulator` with the encoder's `hop` and
            `condition_channels == local_model.condition_channels`.
        local_model: a `keras_ada.models.WaveNet` over the same classes as the
            encoder's input.

    Call arguments:
        inputs: integer tensor `(batch, time)`, `time` a multiple of `hop`.
        training: whether the quantiser updates its codebook statistics.

    Returns:
        A dict with `"logits"` `(batch, time, num_classes)` and `"codes"`
        `(batch, time // hop)` (int32).

    Example:

    >>> ada = keras_ada.zoo.load("vqvae_hop8", scale="tiny")
    >>> ada.compile()
    >>> x = np.random.default_rng(0).integers(0, 256, size=(4, 256))  # mu-law audio
    >>> history = ada.fit(x, epochs=1, verbose=0)
    >>> sorted(history.history)
    ['loss', 'nll', 'perplexity']
    >>> codes = ada.encode(x)
    >>> tuple(codes.shape)
    (4, 32)
    >>> ada.decode(codes[:1, :4], seed=0, verbose=0).shape
    (1, 32)
    """

    def __init__(self, encoder, quantiser, modulator, local_model, **kwargs):
        super().__init__(**kwargs)
        if encoder.query_dim != quantiser.code_dim:
            raise ValueError(
                "The encoder's `query_dim` must equal the quantiser's `code_dim`. "
                f"Received: encoder.query_dim={encoder.query_dim}, "
                f"quantiser.code_dim={quantiser.code_dim}"
            )
        if modulator.hop != encoder.hop:
            raise ValueError(
                "The modulator and the encoder must share one `hop`. "
                f"Received: encoder.hop={encoder.hop}, modulator.hop={modulator.hop}"
            )
        if modulator.condition_channels != local_model.condition_channels:
            raise ValueError(
                "The modulator must emit one bias per local-model block: "
                f"`condition_channels={local_model.condition_channels}`. "
                f"Received: modulator.condition_channels={modulator.condition_channels}"
            )
        if encoder.num_classes != local_model.num_classes:
            raise ValueError(
                "The encoder and the local model must model the same classes. "
                f"Received: encoder.num_classes={encoder.num_classes}, "
                f"local_model.num_classes={local_model.num_classes}"
            )
        self.encoder = encoder
        self.quantiser = quantiser
        self.modulator = modulator
        self.local_model = local_model
        self.perplexity_tracker = keras.metrics.Mean(name="perplexity")
        self._compiled = Compiled()

    @property
    def hop(self):
        """Input steps per code."""
        return self.encoder.hop

    @property
    def receptive_field(self):
        """The local model's receptive field, in input steps.

        The encoder and modulator are non-causal and see zero padding at both
        ends of an excerpt whatever its context; the receptive field that
        decides which positions are scored is the local model's (the encoder's
        is `encoder.receptive_field` on each side).
        """
        return self.local_model.receptive_field

    @property
    def context_length(self):
        """Context steps of a training excerpt: the local model's receptive field
        rounded up to a whole number of codes."""
        return -(-self.receptive_field // self.hop) * self.hop

    @property
    def num_classes(self):
        return self.local_model.num_classes

    @property
    def num_codes(self):
        return self.quantiser.num_codes

    def call(self, inputs, training=None):
        queries = self.encoder(inputs)
        quantised, codes = self.quantiser(queries, training=training, return_codes=True)
        logits = self.local_model(inputs, condition=self.modulator(quantised))
        return {"logits": logits, "codes": codes}

    def encode(self, inputs):
        """Encodes integer sequences `(batch, time)` to codes `(batch, time // hop)`.

        A NumPy input is checked and gives int32 NumPy codes; a tensor gives a
        tensor.
        """
        check_classes("inputs", inputs, self.num_classes, "ADA.encode")
        codes = self.quantiser.encode(self.encoder(inputs))
        if isinstance(inputs, np.ndarray):
            return keras.ops.convert_to_numpy(codes)
        return codes

    def predict_codes(self, x, batch_size: int | None = None) -> np.ndarray:
        """Encodes a NumPy batch compiled, `batch_size` sequences at a time.

        `encode` as a compiled Keras `predict_on_batch`: the way to encode data
        sets (`Stack.codes_for_level` uses it).

        Args:
            x: int sequences `(batch, time)`, `time` a multiple of `hop`.
            batch_size: sequences encoded at once; all by default.

        Returns:
            An int32 NumPy array `(batch, time // hop)`.
        """
        x = np.asarray(keras.ops.convert_to_numpy(x))
        check_classes("x", x, self.num_classes, "ADA.predict_codes")
        encoding = self._compiled.get("encoding", lambda: _Encoding(self))
        batch_size = batch_size or max(len(x), 1)
        chunks = [
            encoding.predict_on_batch(x[start : start + batch_size])
            for start in range(0, len(x), batch_size)
        ]
        return np.concatenate(chunks, axis=0).astype("int32")

    def condition(self, codes):
        """Local-model biases `(batch, codes * hop, channels)` for a code sequence."""
        return self.modulator(self.quantiser.decode(codes))

    def code_rate_condition(self, codes):
        """The local-model biases of `codes` at the code rate.

        `condition(codes)` repeats each code's biases `hop` times to the input
        rate; sampling indexes them by `t // hop` instead, which keeps the
        biases of a long sequence `hop` times smaller in memory.

        Args:
            codes: int tensor `(batch, n)`.

        Returns:
            Biases `(batch, n, local_model.condition_channels)`, such that
            `ops.repeat(biases, hop, axis=1)` equals `condition(codes)`.
        """
        quantised = self.quantiser.decode(keras.ops.cast(codes, "int32"))
        return self.modulator(quantised, upsample=False)

    def decode(
        self,
        codes,
        temperature=None,
        seed=None,
        prime=None,
        top_k=None,
        top_p=None,
        sampler=None,
        return_logits=False,
        **kwargs,
    ):
        """Renders codes `(batch, n)` to the level below, `(batch, n * hop)`.

        Samples the local model incrementally (`WaveNet.generate`), conditioned
        on the codes' biases at the code rate (`code_rate_condition`); with a
        prime, the output starts with the prime and sampling continues it.

        Args:
            codes: int codes `(batch, n)`.
            temperature: the local model's sampling temperature, a scalar or
                one per row; 0 is greedy; 1.0 by default.
            seed: integer seed; the same seed gives the same output.
            prime: optional known beginning of the output, int `(batch, P)` with
                `P <= n * hop`; it is copied to the output.
            top_k: draw among the `top_k` most likely classes.
            top_p: draw from the smallest set of classes holding probability `top_p`.
            sampler: a `keras_ada.sampling.Sampler`, instead of `temperature`,
                `top_k` and `top_p`.
            return_logits: whether to also return the logits of the sampled steps.
            **kwargs: `chunk_size`, `verbose`, `label`, `step_seconds`,
                `jit_compile`; see
                `WaveNet.generate`.

        Returns:
            An int32 NumPy array `(batch, n * hop)`: mu-law classes for a
            level-1 ADA, codes of the level below for a higher level; with
            `return_logits`, also the logits `(batch, n * hop - P, classes)` of
            the sampled steps.
        """
        # On the host: the conditioning cuts windows of it (`_condition_window`).
        codes = np.asarray(keras.ops.convert_to_numpy(codes)).astype("int32")
        if codes.ndim != 2:
            raise ValueError(
                f"`codes` must be `(batch, n)`. Received: codes.shape={codes.shape}"
            )
        length = codes.shape[1] * self.hop
        if prime is not None:
            prime = np.asarray(keras.ops.convert_to_numpy(prime), "int32")
            if prime.ndim != 2 or prime.shape[1] > length:
                raise ValueError(
                    f"`prime` must be `(batch, P)` with P at most the output's "
                    f"{length} steps. Received: prime.shape={prime.shape}"
                )
            if prime.shape[1] == 0:
                prime = None
        prime_length = 0 if prime is None else prime.shape[1]
        outputs = self.local_model.generate(
            length - prime_length,
            batch_size=codes.shape[0],
            temperature=temperature,
            seed=seed,
            condition=self._condition_window(codes),
            prime=prime,
            top_k=top_k,
            top_p=top_p,
            sampler=sampler,
            condition_hop=self.hop,
            return_logits=return_logits,
            **{"label": self.name, **kwargs},
        )
        samples = outputs[0] if return_logits else outputs
        if prime is not None:
            samples = np.concatenate([prime, samples], axis=1)
        return (samples, outputs[1]) if return_logits else samples

    def _condition_window(self, codes):
        """The biases that sampling asks for, computed a window of codes at a time.

        Returns `rows(first, count)`: rows `first, ..., first + count - 1` of
        `code_rate_condition(codes)`, fewer where the sequence ends. The modulator sees `receptive_field` codes on each side of a row, so a
        window of `count + 2 * receptive_field` codes gives the rows exactly.
        The window keeps that width and moves inside the sequence at its ends,
        so every window of a long sequence has one shape: a new duration
        compiles nothing new.

        Args:
            codes: int32 NumPy codes `(batch, n)`.
        """
        margin = self.modulator.receptive_field
        length = codes.shape[1]

        def rows(first, count):
            width = min(count + 2 * margin, length)
            start = min(max(first - margin, 0), length - width)
            window = self.code_rate_condition(codes[:, start : start + width])
            offset = first - start
            return keras.ops.convert_to_numpy(window)[:, offset : offset + count]

        return rows

    def logits_and_targets(self, x, y, y_pred):
        return y_pred["logits"], x if y is None else y

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        self.perplexity_tracker.update_state(
            codebook_perplexity(y_pred["codes"], self.num_codes)
        )
        return super().compute_loss(x, y, y_pred, sample_weight, training)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                name: keras.saving.serialize_keras_object(getattr(self, name))
                for name in ("encoder", "quantiser", "modulator", "local_model")
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("encoder", "quantiser", "modulator", "local_model"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


class _Encoding(keras.Model):
    """`ada.encode` as a model, so that `predict_on_batch` compiles it."""

    def __init__(self, ada, **kwargs):
        super().__init__(name=f"{ada.name}_encoding", **kwargs)
        self.ada = ada

    def call(self, inputs):
        return self.ada.encode(inputs)
