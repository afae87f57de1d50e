"""Mu-law companding for `tf.data` pipelines (TensorFlow ops, any Keras backend).

The same formula as `keras_ada.ops.mu_law_encode`, written with TensorFlow ops so
that it runs inside `tf.data` graphs whatever the Keras backend.
"""

import tensorflow as tf


def mu_law_encode(audio, num_classes: int = 256) -> tf.Tensor:
    """Compands audio in [-1, 1] and quantises it to integer classes.

    `y = sign(x) * log(1 + mu |x|) / log(1 + mu)` with `mu = num_classes - 1`, then
    `class = floor((y + 1) / 2 * mu + 0.5)`. Values outside [-1, 1] are clipped.

    Args:
        audio: float tensor of samples in [-1, 1], any shape.
        num_classes: number of quantisation levels (256 for 8-bit audio).

    Returns:
        An int32 tensor of the same shape with values in `[0, num_classes)`.

    Example:

    >>> mu_law_encode(tf.constant([-1.0, 0.0, 1.0]))
    <tf.Tensor: shape=(3,), dtype=int32, numpy=array([  0, 128, 255], dtype=int32)>
    """
    _check_num_classes(num_classes)
    mu = float(num_classes - 1)
    audio = tf.clip_by_value(tf.cast(audio, tf.float32), -1.0, 1.0)
    companded = tf.sign(audio) * tf.math.log1p(mu * tf.abs(audio)) / tf.math.log1p(mu)
    return tf.cast(tf.floor((companded + 1.0) / 2.0 * mu + 0.5), tf.int32)


def mu_law_encode_pcm16(samples, num_classes: int = 256) -> tf.Tensor:
    """Mu-law classes of 16-bit PCM samples (`x = sample / 32768`).

    Args:
        samples: int16 tensor, any shape.
        num_classes: number of quantisation levels.

    Returns:
        An int32 tensor of the same shape with values in `[0, num_classes)`.

    Example:

    >>> mu_law_encode_pcm16(tf.constant([-32768, 0, 32767], tf.int16))
    <tf.Tensor: shape=(3,), dtype=int32, numpy=array([  0, 128, 255], dtype=int32)>
    """
    return mu_law_encode(tf.cast(samples, tf.float32) / 32768.0, num_classes)


def mu_law_decode(classes, num_classes: int = 256) -> tf.Tensor:
    """Inverts `mu_law_encode`: integer classes to samples in [-1, 1].

    Args:
        classes: integer tensor with values in `[0, num_classes)`.
        num_classes: number of quantisation levels.

    Returns:
        A float32 tensor of the same shape.

    Example:

    >>> mu_law_decode(tf.constant([0, 255]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([-1.,  1.], dtype=float32)>
    """
    _check_num_classes(num_classes)
    mu = float(num_classes - 1)
    companded = tf.cast(classes, tf.float32) * (2.0 / mu) - 1.0
    return (
        tf.sign(companded) * tf.math.expm1(tf.abs(companded) * tf.math.log1p(mu)) / mu
    )


def _check_num_classes(num_classes):
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            "`num_classes` must be an integer >= 2. "
            f"Received: num_classes={num_classes}"
        )
