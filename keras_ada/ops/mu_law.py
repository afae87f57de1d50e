"""Mu-law companding of waveforms to 256 classes and back (WaveNet, section 2.2)."""

from keras import ops


def _check_num_classes(num_classes):
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            "`num_classes` must be an integer >= 2. "
            f"Received: num_classes={num_classes}"
        )


def mu_law_encode(audio, num_classes=256):
    """Compands audio in [-1, 1] and quantises it to integer classes.

    `y = sign(x) * log(1 + mu |x|) / log(1 + mu)` with `mu = num_classes - 1`,
    then `class = floor((y + 1) / 2 * mu + 0.5)`. Values outside [-1, 1] are clipped.

    Args:
        audio: float tensor of samples in [-1, 1], any shape.
        num_classes: number of quantisation levels (256 for 8-bit audio).

    Returns:
        An int32 tensor of the same shape with values in `[0, num_classes)`.

    Example:

    >>> keras.ops.convert_to_numpy(mu_law_encode([-1.0, 0.0, 1.0])).tolist()
    [0, 128, 255]
    """
    _check_num_classes(num_classes)
    mu = float(num_classes - 1)
    audio = ops.clip(ops.cast(audio, "float32"), -1.0, 1.0)
    companded = ops.sign(audio) * ops.log1p(mu * ops.abs(audio)) / ops.log1p(mu)
    return ops.cast(ops.floor((companded + 1.0) / 2.0 * mu + 0.5), "int32")


def classes_to_unit(classes, num_classes=256):
    """Maps integer classes linearly onto [-1, 1] (the companded signal).

    This is the "continuous" input representation of the paper's models.

    Args:
        classes: integer tensor with values in `[0, num_classes)`.
        num_classes: number of classes.

    Returns:
        A float32 tensor of the same shape.
    """
    _check_num_classes(num_classes)
    return ops.cast(classes, "float32") * (2.0 / (num_classes - 1)) - 1.0


def mu_law_decode(classes, num_classes=256):
    """Inverts `mu_law_encode`: integer classes to audio samples in [-1, 1].

    Args:
        classes: integer tensor with values in `[0, num_classes)`.
        num_classes: number of quantisation levels.

    Returns:
        A float32 tensor of the same shape.

    Example:

    >>> keras.ops.convert_to_numpy(mu_law_decode([0, 255])).tolist()
    [-1.0, 1.0]
    """
    mu = float(num_classes - 1)
    companded = classes_to_unit(classes, num_classes)
    return ops.sign(companded) * ops.expm1(ops.abs(companded) * ops.log1p(mu)) / mu
