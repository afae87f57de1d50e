"""Sampling through the levels of a hierarchy: ADA decoding."""

import numpy as np
from keras import ops

from keras_ada.sampling.incremental import DEFAULT_CHUNK_SIZE
from keras_ada.sampling.incremental import sampler_for


def code_rate_condition(ada, codes):
    """The local-model biases of `codes` at the code rate.

    `ada.condition(codes)` repeats each code's biases `hop` times to the input
    rate; the sampler indexes them by `t // hop` instead, which keeps the
    biases of a long sequence `hop` times smaller in memory.

    Args:
        ada: a `keras_ada.models.ADA`.
        codes: int tensor `(batch, n)`.

    Returns:
        Biases `(batch, n, local_model.condition_channels)`, such that
        `ops.repeat(biases, ada.hop, axis=1)` equals `ada.condition(codes)`.
    """
    modulator = ada.modulator
    quantised = ada.quantiser.decode(ops.cast(codes, "int32"))
    return modulator.output_projection(ops.relu(modulator.stack(quantised)))


def decode(ada, codes, temperature=1.0, seed=None, prime=None,
           chunk_size=DEFAULT_CHUNK_SIZE, return_logits=False, verbose="auto"):
    """Renders codes to the level below by sampling the ADA's local model.

    Args:
        ada: a `keras_ada.models.ADA`.
        codes: int codes `(batch, n)`.
        temperature: sampling temperature of the local model (0 is greedy), a
            scalar or one per row.
        seed: integer seed, or None.
        prime: optional known beginning of the output, int `(batch, P)` with
            `P <= n * hop`; it is copied to the output and sampling continues it.
        chunk_size: steps per compiled call.
        return_logits: whether to also return the logits of the sampled steps.
        verbose: progress bar, `"auto"`, 0 or 1.

    Returns:
        An int32 NumPy array `(batch, n * hop)` of the level below (mu-law
        audio classes for a level-1 ADA, codes of the level below otherwise);
        with `return_logits`, also the logits `(batch, n * hop - P, classes)` of
        the sampled steps.
    """
    codes = ops.cast(ops.convert_to_tensor(codes), "int32")
    if len(codes.shape) != 2:
        raise ValueError(f"`codes` must be `(batch, n)`. Received: codes.shape={codes.shape}")
    length = codes.shape[1] * ada.hop
    prime_length = 0
    if prime is not None:
        prime = np.asarray(ops.convert_to_numpy(prime), "int32")
        prime_length = prime.shape[1]
        if prime_length > length:
            raise ValueError(
                f"`prime` must not be longer than the output ({length} steps). "
                f"Received: prime.shape={prime.shape}"
            )
        if prime_length == 0:
            prime = None
    outputs = sampler_for(ada.local_model, chunk_size).generate(
        length - prime_length,
        batch_size=codes.shape[0],
        temperature=temperature,
        seed=seed,
        condition=code_rate_condition(ada, codes),
        prime=prime,
        condition_hop=ada.hop,
        return_logits=return_logits,
        verbose=verbose,
    )
    samples = outputs[0] if return_logits else outputs
    if prime is not None:
        samples = np.concatenate([prime, samples], axis=1)
    return (samples, outputs[1]) if return_logits else samples
