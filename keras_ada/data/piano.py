"""The prepared `piano_dataset` (TFDS), read without importing its builder.

The data that `keras_ada.datasets.piano_dataset` prepares (`keras-ada data
build`) is found by name in a TFDS data directory, like any dataset on disk,
without importing the builder (its Beam and music21 dependencies).
"""

import tensorflow as tf
import tensorflow_datasets as tfds

from keras_ada.validation import check_one_of

NAME = "piano_dataset"


class DataNotPrepared(FileNotFoundError):
    """A `piano_dataset` config is not prepared in the data directory; the
    message names `--data-dir` and the command that builds it."""

    def __init__(self, config: str, data_dir: str | None):
        where = data_dir or "the default TFDS data directory"
        build = f"keras-ada data build --config {config}" + (
            f" --data-dir {data_dir}" if data_dir else " [--data-dir DIR]"
        )
        if config == "recordings":
            build += " --manual-dir YOUR_RECORDINGS"
        super().__init__(
            f"{NAME}/{config} is not prepared in {where}: give the --data-dir "
            f"(`data_dir`) it was built in, or build it with `{build}`."
        )


def load_builder(config: str = "embedded", data_dir: str | None = None):
    """Returns the TFDS builder of a prepared `piano_dataset` config.

    Args:
        config: `"embedded"`, `"embedded_mini"` or `"recordings"`.
        data_dir: TFDS data directory; `None` for TFDS's default
            (`~/tensorflow_datasets` or `$TFDS_DATA_DIR`).

    Returns:
        A `tfds.core.DatasetBuilder` whose data is prepared.

    Raises:
        DataNotPrepared: (a `FileNotFoundError`) if the config has not been
            built in `data_dir`.

    Example:

    >>> builder = load_builder("embedded_mini")  # doctest: +SKIP
    >>> builder.info.splits["train"].num_examples  # doctest: +SKIP
    """
    try:
        builder = tfds.builder(f"{NAME}/{config}", data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        builder = None
    if builder is None or not builder.is_prepared():
        raise DataNotPrepared(config, data_dir)
    return builder


def recordings(
    split: str,
    config: str = "embedded",
    data_dir: str | None = None,
    shuffle_files: bool = False,
    seed: int | None = None,
) -> tf.data.Dataset:
    """The recordings of a split, one element per recording.

    Args:
        split: `"train"` or `"eval"`.
        config: the `piano_dataset` config.
        data_dir: TFDS data directory; `None` for TFDS's default.
        shuffle_files: whether to read the shards in an order shuffled per epoch.
        seed: seed of the shard order when `shuffle_files`.

    Returns:
        A `tf.data.Dataset` of dicts: `"audio"` (int16 `[T]`, 16 kHz), `"id"`,
        `"composer"`, `"title"` (strings).

    Raises:
        ValueError: if the split does not exist.

    Example:

    >>> for recording in recordings("eval", config="embedded_mini").take(1):  # doctest: +SKIP
    ...     print(recording["id"], recording["audio"].shape)
    """
    builder = load_builder(config, data_dir)
    _check_split(builder, split)
    read_config = tfds.ReadConfig(
        shuffle_seed=seed, shuffle_reshuffle_each_iteration=True
    )
    return builder.as_dataset(
        split=split, shuffle_files=shuffle_files, read_config=read_config
    )


def split_size(split: str, config: str = "embedded", data_dir: str | None = None):
    """The size of a prepared split, from its metadata (nothing is read).

    Args:
        split: `"train"` or `"eval"`.
        config: the `piano_dataset` config.
        data_dir: TFDS data directory; `None` for TFDS's default.

    Returns:
        `(num_recordings, num_bytes)`, `num_bytes` as stored (zlib-compressed).
    """
    builder = load_builder(config, data_dir)
    _check_split(builder, split)
    info = builder.info.splits[split]
    return info.num_examples, info.num_bytes


def _check_split(builder, split):
    check_one_of("split", split, sorted(builder.info.splits))
