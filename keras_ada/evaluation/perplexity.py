"""Codebook perplexity as the paper reports it: per one-second sequence, averaged."""

import numpy as np


def pooled_perplexity(codes, num_codes: int) -> float:
    """Perplexity `exp(H)` of the histogram of all `codes` together (any shape)."""
    codes = np.asarray(codes).reshape(-1).astype("int64")
    if codes.size == 0:
        raise ValueError("`codes` is empty: no perplexity. Received: codes.size=0")
    if codes.min() < 0 or codes.max() >= num_codes:
        raise ValueError(
            f"`codes` must lie in [0, {num_codes}). Received: codes in "
            f"[{codes.min()}, {codes.max()}]"
        )
    usage = np.bincount(codes, minlength=num_codes) / codes.size
    used = usage[usage > 0]
    return float(np.exp(-np.sum(used * np.log(used))))


def per_second_perplexity(sequences, num_codes: int, codes_per_second: int) -> float:
    """Mean perplexity of one-second sequences of codes (Table 1's footnote).

    Each code sequence is cut into consecutive sequences of `codes_per_second`
    codes (a shorter remainder is dropped); the perplexity of each one's code
    histogram is averaged. With few codes per second (a large hop) this is
    lower than the pooled perplexity: the paper's "underestimated" 1.7.

    Args:
        sequences: int codes `(batch, time)` or a list of 1-D code sequences.
        num_codes: size of the codebook.
        codes_per_second: codes per second of audio (16000 / hop).

    Returns:
        A float.

    Example:

    >>> per_second_perplexity([[0, 1, 2, 2]], num_codes=4, codes_per_second=2)
    1.5
    """
    if codes_per_second < 1:
        raise ValueError(
            "`codes_per_second` must be a positive integer. "
            f"Received: codes_per_second={codes_per_second}"
        )
    values = []
    for sequence in sequences:
        sequence = np.asarray(sequence).reshape(-1)
        for start in range(0, len(sequence) - codes_per_second + 1, codes_per_second):
            values.append(
                pooled_perplexity(sequence[start : start + codes_per_second], num_codes)
            )
    if not values:
        raise ValueError(
            f"No sequence holds one second ({codes_per_second} codes) of codes."
        )
    return float(np.mean(values))
