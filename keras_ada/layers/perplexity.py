"""Codebook perplexity: how many codes a batch effectively uses."""

from keras import ops

from keras_ada.validation import check_positive_int


def codebook_perplexity(codes, num_codes: int):
    """Returns the perplexity of the code histogram, `exp(H(usage))`.

    The histogram counts how often each of the `num_codes` codes occurs in
    `codes` (any shape); `usage` is that histogram normalised to sum to 1 and
    `H(p) = -sum_i p_i log p_i` its entropy in nats, with `0 log 0 = 0`. The
    perplexity lies in `[1, num_codes]`: 1 when a single code is used, and
    `num_codes` when all codes are used equally often. It is the usual
    measure of codebook collapse of a VQ-VAE or an AMAE.

    Quantiser layers cannot log metrics themselves in Keras 3; a model calls
    this helper on the codes its quantiser returns (`return_codes=True`)
    and tracks the result, e.g. with a `keras.metrics.Mean`.

    Args:
        codes: Integer tensor of code indices in `[0, num_codes)`, any shape.
        num_codes: Positive integer, the size of the codebook.

    Returns:
        A float32 scalar tensor.

    Example:

    >>> float(codebook_perplexity(np.array([[0, 1], [2, 3]]), num_codes=4))
    4.0
    >>> float(codebook_perplexity(np.array([[5, 5], [5, 5]]), num_codes=8))
    1.0
    """
    check_positive_int("num_codes", num_codes)
    codes = ops.reshape(ops.cast(codes, "int32"), (-1,))
    counts = ops.sum(ops.one_hot(codes, num_codes, dtype="float32"), axis=0)
    usage = counts / ops.maximum(ops.sum(counts), 1.0)
    safe_usage = ops.where(usage > 0.0, usage, 1.0)
    entropy = -ops.sum(usage * ops.log(safe_usage))
    return ops.exp(entropy)
