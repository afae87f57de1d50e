"""Sampling a hierarchy top down: the prior's codes, then each level's decoder.

`Stack.sample` and `Stack.reconstruct` run these functions; each model samples
with its own compiled loop (`WaveNet.generate`, `ADA.decode`) and a sampler
per model (`keras_ada.sampling`). A prime (Jukebox's primed sampling) is
encoded through the levels, and each model continues the prime's sequence at
its level.
"""

import math

import numpy as np
from keras import ops

from keras_ada.audio import SAMPLE_RATE
from keras_ada.audio import mu_law_encode
from keras_ada.sampling import samplers
from keras_ada.sampling.categorical import resolve_seed
from keras_ada.validation import check_int_in_range
from keras_ada.validation import check_positive_int


def per_model(name, value, count):
    """`value` for each of `count` models: one value for all, or a list of `count`."""
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) != count:
            raise ValueError(
                f"`{name}` must be one value, or {count} values, one per model of "
                f"the stack (levels bottom first, then the prior). "
                f"Received: {name}={value!r}"
            )
        return list(value)
    return [value] * count


def model_samplers(count, temperatures, top_k, top_p, sampler):
    """One `keras_ada.sampling.Sampler` per model from per-model arguments."""
    arguments = zip(
        per_model("sampler", sampler, count),
        per_model("temperatures", temperatures, count),
        per_model("top_k", top_k, count),
        per_model("top_p", top_p, count),
    )
    return [samplers.get(*values) for values in arguments]


def model_seeds(seed, count):
    """`count` integer seeds derived from `seed` (None: a fresh one)."""
    seed = resolve_seed(seed)
    return [
        int(s) % (2**31 - 1) for s in np.random.SeedSequence(seed).generate_state(count)
    ]


def to_classes(audio, num_classes):
    """Int mu-law classes `(batch, time)` from classes or a waveform in [-1, 1]."""
    audio = ops.convert_to_tensor(audio)
    if "float" in str(audio.dtype):
        audio = mu_law_encode(audio, num_classes)
    return np.asarray(ops.convert_to_numpy(audio)).astype("int32")


def prime_sequences(stack, prime, batch_size):
    """The prime's sequence at every level: audio, then each level's codes.

    Level `i + 1` holds the codes of the whole hops of level `i`'s sequence.
    One prime row serves a whole batch (it is encoded once); `batch_size`
    None is the prime's rows.

    Returns:
        `num_levels + 1` int32 arrays `(batch_size, n_i)`, audio first.
    """
    prime = to_classes(prime, stack.levels[0].num_classes)
    if prime.ndim == 1:
        prime = prime[None]
    batch_size = len(prime) if batch_size is None else batch_size
    if prime.ndim != 2 or prime.shape[1] == 0 or prime.shape[0] not in (1, batch_size):
        raise ValueError(
            "`prime` must be audio `(time,)`, `(1, time)` or `(batch_size, time)` "
            f"with batch_size={batch_size} and time >= 1. "
            f"Received: prime.shape={prime.shape}"
        )
    sequences = [prime]
    for ada in stack.levels:
        sequence = sequences[-1]
        usable = sequence.shape[1] // ada.hop * ada.hop
        if usable:
            codes = ada.predict_codes(sequence[:, :usable])
        else:
            codes = np.zeros((len(sequence), 0), "int32")
        sequences.append(codes)
    return [np.repeat(s, batch_size // len(s), axis=0) for s in sequences]


def sample_stack(
    stack,
    seconds,
    batch_size=None,
    temperatures=None,
    seed=None,
    top_k=None,
    top_p=None,
    sampler=None,
    prime=None,
    sample_rate=SAMPLE_RATE,
    return_codes=False,
    verbose="auto",
    callback=None,
):
    """Samples or continues audio from a hierarchy; see `Stack.sample`."""
    if not seconds > 0:
        raise ValueError(f"`seconds` must be positive. Received: seconds={seconds}")
    count = stack.num_levels + 1
    model_sampler = model_samplers(count, temperatures, top_k, top_p, sampler)
    seeds = model_seeds(seed, count)
    if prime is None:
        batch_size = 1 if batch_size is None else batch_size
        check_positive_int("batch_size", batch_size)
        primes = [np.zeros((batch_size, 0), "int32")] * count
    else:
        check_positive_int("batch_size", batch_size or 1)
        primes = prime_sequences(stack, prime, batch_size)
        batch_size = len(primes[0])
    total = (
        primes[0].shape[1] + math.ceil(seconds * sample_rate / stack.hop) * stack.hop
    )
    top_prime = primes[-1]
    sequence = stack.prior.generate(
        math.ceil(total / stack.hop) - top_prime.shape[1],
        batch_size=batch_size,
        sampler=model_sampler[-1],
        seed=seeds[-1],
        prime=top_prime if top_prime.shape[1] else None,
        verbose=verbose,
        label=stack.prior.name,
        step_seconds=stack.hop / sample_rate,
    )
    sequence = np.concatenate([top_prime, sequence], axis=1)
    codes = [sequence]
    for level in reversed(range(stack.num_levels)):
        sequence = stack.levels[level].decode(
            sequence,
            sampler=model_sampler[level],
            seed=seeds[level],
            prime=primes[level],
            verbose=verbose,
            step_seconds=stack.input_hop(level) / sample_rate,
            callback=_new_audio(callback, total - primes[0].shape[1], level),
        )
        codes.insert(0, sequence)
    audio = codes.pop(0)[:, :total]
    return (audio, codes) if return_codes else audio


def _new_audio(callback, total, level):
    """`callback` for level 0's chunks of the `total` new audio samples, or None."""
    if level or callback is None:
        return None
    done = 0

    def clipped(chunk):
        nonlocal done
        kept = chunk[:, : max(total - done, 0)]
        done += chunk.shape[1]
        if kept.shape[1]:
            callback(kept)

    return clipped


def reconstruct_stack(
    stack,
    audio,
    num_levels=None,
    temperatures=None,
    seed=None,
    top_k=None,
    top_p=None,
    sampler=None,
    verbose="auto",
):
    """Encodes audio through the levels, then decodes it back; see `Stack.reconstruct`."""
    num_levels = stack.num_levels if num_levels is None else num_levels
    check_int_in_range("num_levels", num_levels, 1, stack.num_levels)
    audio = to_classes(audio, stack.levels[0].num_classes)
    count = stack.num_levels + 1
    model_sampler = model_samplers(count, temperatures, top_k, top_p, sampler)
    seeds = model_seeds(seed, count)
    sequence = stack.codes_for_level(audio, num_levels)
    for level in reversed(range(num_levels)):
        sequence = stack.levels[level].decode(
            sequence,
            sampler=model_sampler[level],
            seed=seeds[level],
            verbose=verbose,
        )
    return sequence
