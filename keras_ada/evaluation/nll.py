"""Negative log-likelihood of a model's predictions, on the host, in float64."""

import numpy as np


def token_nll(logits, targets):
    """Per-timestep negative log-likelihood (nats) of integer targets.

    Args:
        logits: unnormalised log-probabilities `(..., num_classes)`.
        targets: integer classes, of the shape of `logits` without its last axis.

    Returns:
        A float64 NumPy array of the shape of `targets`.

    Example:

    >>> token_nll(np.log([[0.25, 0.75]]), np.array([1])).round(4)
    array([0.2877])
    """
    logits = np.asarray(logits, "float64")
    peak = logits.max(axis=-1, keepdims=True)
    log_norm = peak[..., 0] + np.log(np.exp(logits - peak).sum(axis=-1))
    targets = np.asarray(targets)[..., None].astype("int64")
    chosen = np.take_along_axis(logits, targets, axis=-1)
    return log_norm - chosen[..., 0]


def full_context_nll(model, batches) -> dict:
    """Mean NLL of a model over the timesteps whose whole context is in a batch.

    Each batch is scored on its steps after the model's `context_length`: those
    the model predicts from a full receptive field of real data.

    Args:
        model: a `WaveNet` or an `ADA` (the weights as they are: evaluate the
            averaged weights after `fit`, or inside
            `keras.callbacks.SwapEMAWeights`).
        batches: an iterable of int batches `(batch, time)`.

    Returns:
        A dict with `nll` (nats per timestep; NaN when no step was scored),
        `timesteps` (the number of scored steps) and, for an ADA, `codes`: the
        codes of all the batches, flattened and concatenated.
    """
    total, count, codes = 0.0, 0, []
    context = model.context_length
    for batch in batches:
        batch = np.asarray(batch)
        outputs = model.predict(batch, batch_size=len(batch), verbose=0)
        logits = outputs["logits"] if isinstance(outputs, dict) else outputs
        nll = token_nll(np.asarray(logits)[:, context:], batch[:, context:])
        total += float(nll.sum())
        count += nll.size
        if isinstance(outputs, dict):
            codes.append(np.asarray(outputs["codes"]).reshape(-1))
    results = {"nll": total / count if count else float("nan"), "timesteps": count}
    if codes:
        results["codes"] = np.concatenate(codes)
    return results
