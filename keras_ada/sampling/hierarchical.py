"""Sampling through the levels of a hierarchy: ADA decoding, stack sampling."""

import math

import numpy as np
from keras import ops

from keras_ada.audio import SAMPLE_RATE
from keras_ada.audio import mu_law_encode
from keras_ada.sampling.categorical import resolve_seed
from keras_ada.sampling.incremental import DEFAULT_CHUNK_SIZE
from keras_ada.sampling.incremental import sampler_for
from keras_ada.validation import check_int_in_range


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
    quantised = ada.quantiser.decode(ops.cast(codes, "int32"))
    return ada.modulator(quantised, upsample=False)


def decode(
    ada,
    codes,
    temperature=1.0,
    seed=None,
    prime=None,
    chunk_size=DEFAULT_CHUNK_SIZE,
    return_logits=False,
    verbose="auto",
):
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
        raise ValueError(
            f"`codes` must be `(batch, n)`. Received: codes.shape={codes.shape}"
        )
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


def _per_model(name, value, stack):
    """A scalar, or one value per model of the stack (bottom first, prior last)."""
    count = stack.num_levels + 1
    values = np.asarray(value, "float32")
    if values.ndim == 0:
        values = np.full(count, values)
    if values.shape != (count,):
        raise ValueError(
            f"`{name}` must be a scalar or {count} values, one per model of the stack "
            f"(levels bottom first, then the prior). Received: {name}={value!r}"
        )
    return [float(v) for v in values]


def _model_seeds(seed, count):
    seed = resolve_seed(seed)
    return [
        int(s) % (2**31 - 1) for s in np.random.SeedSequence(seed).generate_state(count)
    ]


def sample_stack(
    stack,
    seconds,
    batch_size=1,
    temperatures=1.0,
    seed=None,
    sample_rate=SAMPLE_RATE,
    return_codes=False,
    verbose="auto",
):
    """Samples audio from a hierarchy: prior codes, then each level's decoder.

    The prior samples the top-level codes; every ADA, top down, renders its codes
    to the sequence below, the last one to mu-law audio.

    Args:
        stack: a `keras_ada.models.Stack`.
        seconds: duration; rounded up to a whole number of top-level codes
            (`stack.hop` audio samples each).
        batch_size: number of samples.
        temperatures: a scalar, or one per model in `stack.models` order (the
            levels bottom first, then the prior).
        seed: integer seed; every model gets its own seed derived from it.
        sample_rate: audio samples per second (16 kHz in the paper).
        return_codes: whether to also return the sampled codes of every level.
        verbose: progress bars, `"auto"`, 0 or 1.

    Returns:
        Mu-law audio classes, an int32 NumPy array `(batch, steps * stack.hop)`
        (`keras_ada.audio.mu_law_decode` gives the waveform in [-1, 1]); with
        `return_codes`, also the list of code sequences, bottom level first.
    """
    if not seconds > 0:
        raise ValueError(f"`seconds` must be positive. Received: seconds={seconds}")
    temperatures = _per_model("temperatures", temperatures, stack)
    seeds = _model_seeds(seed, stack.num_levels + 1)
    steps = math.ceil(seconds * sample_rate / stack.hop)
    sequence = stack.prior.generate(
        steps,
        batch_size=batch_size,
        temperature=temperatures[-1],
        seed=seeds[-1],
        verbose=verbose,
    )
    codes = [sequence]
    for level in reversed(range(stack.num_levels)):
        sequence = stack.levels[level].decode(
            sequence,
            temperature=temperatures[level],
            seed=seeds[level],
            verbose=verbose,
        )
        codes.insert(0, sequence)
    audio = codes.pop(0)
    return (audio, codes) if return_codes else audio


def reconstruct_stack(
    stack, audio, num_levels=None, temperatures=1.0, seed=None, verbose="auto"
):
    """Encodes audio through the levels, then decodes it back down by sampling.

    Args:
        stack: a `keras_ada.models.Stack`.
        audio: int mu-law classes `(batch, time)`, or a float waveform in
            [-1, 1] (mu-law encoded first); `time` a multiple of the hop of the
            levels used.
        num_levels: how many levels to go up before decoding; all by default.
        temperatures: a scalar, or one per model in `stack.models` order (the
            prior's is unused).
        seed: integer seed; every level gets its own seed derived from it.
        verbose: progress bars, `"auto"`, 0 or 1.

    Returns:
        The reconstruction, int32 mu-law classes `(batch, time)`.
    """
    num_levels = stack.num_levels if num_levels is None else num_levels
    check_int_in_range("num_levels", num_levels, 1, stack.num_levels)
    audio = ops.convert_to_tensor(audio)
    if "float" in str(audio.dtype):
        audio = mu_law_encode(audio, stack.levels[0].num_classes)
    temperatures = _per_model("temperatures", temperatures, stack)
    seeds = _model_seeds(seed, stack.num_levels + 1)
    sequence = stack.codes_for_level(audio, num_levels)
    for level in reversed(range(num_levels)):
        sequence = stack.levels[level].decode(
            sequence,
            temperature=temperatures[level],
            seed=seeds[level],
            verbose=verbose,
        )
    return sequence
