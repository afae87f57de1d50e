"""Codebook perplexity as the paper reports it: per one-second sequence, averaged."""

import numpy as np
from keras import ops

from keras_ada.data.windows import consecutive_windows
from keras_ada.layers.perplexity import codebook_perplexity


def per_second_perplexity(sequences, num_codes: int, codes_per_second: int) -> float:
    """Mean perplexity of one-second sequences of codes (Table 1's footnote).

    Each code sequence is cut into consecutive sequences of `codes_per_second`
    codes (a shorter remainder is dropped); the perplexity of each one's code
    histogram (`keras_ada.layers.codebook_perplexity`) is averaged. With few
    codes per second (a large hop) this is lower than the perplexity of all
    the codes pooled: the paper's "underestimated" 1.7.

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
    seconds = list(
        consecutive_windows(list(sequences), codes_per_second).as_numpy_iterator()
    )
    if not seconds:
        raise ValueError(
            f"No sequence holds one second ({codes_per_second} codes) of codes."
        )
    seconds = np.stack(seconds)
    if seconds.min() < 0 or seconds.max() >= num_codes:
        raise ValueError(
            f"`sequences` must hold codes in [0, {num_codes}). Received: codes "
            f"in [{seconds.min()}, {seconds.max()}]"
        )
    perplexities = codebook_perplexity(seconds, num_codes, axis=-1)
    return float(np.mean(ops.convert_to_numpy(perplexities)))
