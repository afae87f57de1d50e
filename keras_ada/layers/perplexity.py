"""Codebook perplexity: how many codes a batch effectively uses."""

import math

from keras import ops

from keras_ada.validation import check_positive_int


def codebook_perplexity(codes, num_codes: int, axis=None):
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
        axis: `None` (default) to pool all the codes into one histogram, or
            the axis along which each histogram is counted: one perplexity
            per position of the other axes, whose sizes must then be static.

    Returns:
        A float32 tensor: a scalar, or with an `axis`, the shape of `codes`
        without that axis.

    Example:

    >>> float(codebook_perplexity(np.array([[0, 1], [2, 3]]), num_codes=4))
    4.0
    >>> float(codebook_perplexity(np.array([[5, 5], [5, 5]]), num_codes=8))
    1.0
    >>> per_row = codebook_perplexity(np.array([[0, 1], [2, 2]]), 4, axis=-1)
    >>> ops.convert_to_numpy(per_row).tolist()
    [2.0, 1.0]
    """
    check_positive_int("num_codes", num_codes)
    codes = ops.cast(codes, "int32")
    if axis is None:
        codes = ops.reshape(codes, (1, -1))
        shape = ()
    else:
        codes = ops.moveaxis(codes, axis, -1)
        shape = tuple(codes.shape[:-1])
        codes = ops.reshape(codes, (-1, codes.shape[-1]))
    rows = math.prod(shape)
    segments = codes + ops.expand_dims(ops.arange(rows, dtype="int32"), 1) * num_codes
    segments = ops.reshape(segments, (-1,))
    counts = ops.segment_sum(
        ops.ones_like(segments, "float32"), segments, num_segments=rows * num_codes
    )
    counts = ops.reshape(counts, (rows, num_codes))
    usage = counts / ops.maximum(ops.sum(counts, axis=-1, keepdims=True), 1.0)
    safe_usage = ops.where(usage > 0.0, usage, 1.0)
    entropy = -ops.sum(usage * ops.log(safe_usage), axis=-1)
    return ops.reshape(ops.exp(entropy), shape)
