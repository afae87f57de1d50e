"""Code datasets: a split encoded by a trained ADA, stored on disk, read as excerpts.

Layout of a code directory:

* `metadata.json`: `hop`, `chunk_length`, the source (`config`, `split`), the
  number of recordings and codes, and `complete` (true once every recording of the
  split is encoded).
* `index.jsonl`: one line per encoded recording, appended as each is written:
  `id`, `composer`, `title`, `file`, `num_codes`.
* `codes/<file>`: the codes of one recording, raw little-endian int32.

Encoding is resumable: a run that was stopped continues with the recordings that
are not in `index.jsonl` yet.
"""

import hashlib
import json
import logging
import os
import random

import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from keras_ada.audio import mu_law_encode
from keras_ada.audio import pcm16_to_unit
from keras_ada.data import piano
from keras_ada.data import windows
from keras_ada.io_utils import write_json
from keras_ada.validation import check_positive_int

METADATA_FILE = "metadata.json"
INDEX_FILE = "index.jsonl"
CODES_FOLDER = "codes"
NUM_CLASSES = 256
DEFAULT_CHUNK_LENGTH = 32768

logger = logging.getLogger(__name__)


def encode_split(
    stack,
    split: str,
    output_dir: str,
    config: str = "embedded",
    data_dir: str | None = None,
    chunk_length: int | None = None,
    batch_size: int = 8,
) -> str:
    """Encodes every recording of a split through a stack's levels, to disk.

    Each recording is mu-law quantised to 256 classes and cut into chunks of
    `chunk_length` samples, encoded independently, `batch_size` chunks at a time:
    near chunk boundaries the encoder sees zero padding (silence, class 128)
    instead of the neighbouring audio, as it does at the ends of a recording.
    The codes of a recording of `n` samples are the first `n // hop` codes of its
    chunks. Recordings are written one by one, each as soon as it is encoded, with
    a progress bar; a stopped run resumes where it stopped.

    Args:
        stack: a `keras_ada.models.Stack` of trained levels (its prior may be
            `None`); the codes of its top level are stored, as
            `stack.codes_for_level(audio, stack.num_levels)` gives them.
        split: `"train"` or `"eval"`.
        output_dir: directory of the code dataset (created if needed).
        config: the `piano_dataset` config.
        data_dir: TFDS data directory; `None` for TFDS's default.
        chunk_length: samples per encoded chunk, a multiple of `hop`; `None` for the
            largest multiple of `hop` up to 32768.
        batch_size: chunks encoded at once.

    Returns:
        `output_dir`.

    Raises:
        ValueError: if `chunk_length` is not a positive multiple of `hop`, or if
            `output_dir` holds codes of a different encoding.

    Example:

    >>> keras_ada.data.encode_split(stack, "train", "codes/train")  # doctest: +SKIP
    >>> codes = keras_ada.data.code_excerpts("codes/train", 1024, 16, seed=1)  # doctest: +SKIP
    """
    hop = int(stack.hop)
    if chunk_length is None:
        chunk_length = max(hop, DEFAULT_CHUNK_LENGTH // hop * hop)
    if chunk_length < hop or chunk_length % hop:
        raise ValueError(
            f"`chunk_length` must be a positive multiple of the ADA's hop ({hop}). "
            f"Received: chunk_length={chunk_length}"
        )
    check_positive_int("batch_size", batch_size)
    source = {
        "config": config,
        "split": split,
        "hop": hop,
        "chunk_length": chunk_length,
    }
    os.makedirs(os.path.join(output_dir, CODES_FOLDER), exist_ok=True)
    metadata = _start_metadata(output_dir, source)
    if metadata["complete"]:
        logger.info("%s is already complete.", output_dir)
        return output_dir
    done = _read_index(output_dir)
    num_recordings, _ = piano.split_size(split, config, data_dir)
    progress = tqdm(
        total=num_recordings,
        initial=len(done),
        unit="recording",
        desc=f"Encoding {config}/{split}",
    )
    with progress, open(os.path.join(output_dir, INDEX_FILE), "a") as index:
        for recording in piano.recordings(split, config, data_dir).as_numpy_iterator():
            id_ = recording["id"].decode("utf-8")
            if id_ in done:
                continue
            codes = _encode_recording(
                stack, recording["audio"], chunk_length, batch_size
            )
            entry = {
                "id": id_,
                "composer": recording["composer"].decode("utf-8"),
                "title": recording["title"].decode("utf-8"),
                "file": _write_codes(output_dir, id_, codes),
                "num_codes": len(codes),
            }
            index.write(json.dumps(entry) + "\n")
            index.flush()
            os.fsync(index.fileno())
            done[id_] = entry
            progress.update(1)
    metadata.update(
        complete=True,
        num_recordings=len(done),
        num_codes=sum(entry["num_codes"] for entry in done.values()),
    )
    write_json(os.path.join(output_dir, METADATA_FILE), metadata)
    logger.info(
        "Encoded %d recordings of %s/%s to %s.", len(done), config, split, output_dir
    )
    return output_dir


def code_excerpts(
    directory: str,
    length: int,
    batch_size: int,
    seed: int | None = None,
    repeat: bool = True,
    shuffle_buffer: int = 1024,
    cycle_length: int = 8,
) -> tf.data.Dataset:
    """Batches of random excerpts of a code dataset written by `encode_split`.

    Excerpts of `length` codes are drawn uniformly over all the codes (as
    `keras_ada.data.excerpts` draws audio), shuffled, batched and prefetched; for
    a given `seed` the batches are always the same. With `repeat=False` the
    dataset is one deterministic pass of consecutive excerpts, for evaluation.

    Args:
        directory: a code directory written by `encode_split`.
        length: codes per excerpt.
        batch_size: excerpts per batch.
        seed: seed of every random choice; `None` draws one from Python's `random`.
        repeat: `True` for endless random excerpts, `False` for one pass.
        shuffle_buffer: excerpts in the shuffle buffer.
        cycle_length: code sequences whose excerpts are interleaved.

    Returns:
        A `tf.data.Dataset` of int32 batches `(batch_size, length)`.

    Raises:
        ValueError: if the encoding is incomplete, or if no sequence is at least
            `length` codes long.

    Example:

    >>> codes = keras_ada.data.code_excerpts("codes/train", 1024, 16, seed=1)  # doctest: +SKIP
    >>> prior.fit(codes, steps_per_epoch=100)  # doctest: +SKIP
    """
    check_positive_int("length", length)
    check_positive_int("batch_size", batch_size)
    code_metadata(directory)
    entries = [
        entry
        for entry in _read_index(directory).values()
        if entry["num_codes"] >= length
    ]
    if not entries:
        raise ValueError(
            f"No code sequence in {directory} is at least length={length} codes long."
        )
    if seed is None:
        seed = random.randrange(2**31)
    order_seed, window_seed, shuffle_seed = windows.derive_seeds(seed, 3)
    paths = tf.data.Dataset.from_tensor_slices(
        [os.path.join(directory, CODES_FOLDER, entry["file"]) for entry in entries]
    )
    if repeat:
        paths = paths.shuffle(
            len(entries), seed=order_seed, reshuffle_each_iteration=True
        ).repeat()
    sequences = paths.map(_read_codes, num_parallel_calls=tf.data.AUTOTUNE)
    if repeat:
        batches = (
            windows.random_windows(sequences, length, window_seed, cycle_length)
            .shuffle(shuffle_buffer, seed=shuffle_seed)
            .batch(batch_size, drop_remainder=True)
        )
    else:
        batches = windows.consecutive_windows(sequences, length).batch(batch_size)
    return batches.prefetch(tf.data.AUTOTUNE)


def encoded_code_excerpts(
    stack,
    split: str,
    directory: str,
    length: int,
    batch_size: int,
    config: str = "embedded",
    data_dir: str | None = None,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Excerpts of a split's codes, encoded once to `directory` first.

    The split is encoded through the stack's levels with `encode_split` into
    `directory` (resumable; skipped once complete), then read with
    `code_excerpts`: what a model above those levels trains on.

    Returns:
        An endless `tf.data.Dataset` of int32 code batches `(batch_size, length)`.
    """
    if not _is_complete(directory):
        encode_split(stack, split, directory, config=config, data_dir=data_dir)
    return code_excerpts(directory, length, batch_size, seed=seed)


def code_batches(stack, audio_batches, batch_size: int | None = None):
    """Turns audio batches into the codes of a stack's top level, batch by batch.

    Each int mu-law audio batch `(batch, time)` becomes the codes
    `stack.codes_for_level(audio, stack.num_levels)`, `(batch, time // hop)`:
    the sequences a model above these levels trains on, encoded on the fly.

    Args:
        stack: a `keras_ada.models.Stack` of trained levels (prior optional).
        audio_batches: an iterable of int mu-law audio batches (or 1-tuples).
        batch_size: optional number of sequences encoded at once.

    Yields:
        1-tuples `(codes,)` of numpy int32 code batches, as `fit` takes them
        from a generator.
    """
    for audio in audio_batches:
        if isinstance(audio, tuple):
            audio = audio[0]
        yield (stack.codes_for_level(np.asarray(audio), stack.num_levels, batch_size),)


def code_metadata(directory: str) -> dict:
    """Reads the metadata of a complete code directory.

    Args:
        directory: a code directory written by `encode_split`.

    Returns:
        A dict: `hop`, `chunk_length`, `config`, `split`, `num_recordings`,
        `num_codes` and `complete` (true).

    Raises:
        FileNotFoundError: if `directory` is not a code directory.
        ValueError: if its encoding has not finished.
    """
    path = os.path.join(directory, METADATA_FILE)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{directory} is not a code directory (no {METADATA_FILE}): write one "
            "with `keras_ada.data.encode_split`."
        )
    with open(path) as file:
        metadata = json.load(file)
    if not metadata.get("complete"):
        raise ValueError(
            f"The encoding in {directory} has not finished: run "
            "`keras_ada.data.encode_split` again with the same arguments to resume it."
        )
    return metadata


def _encode_recording(stack, audio, chunk_length, batch_size):
    """Codes `[len(audio) // hop]` of one int16 recording."""
    hop = int(stack.hop)
    classes = mu_law_encode(pcm16_to_unit(audio, xp=np), xp=np)
    num_chunks = -(-len(classes) // chunk_length)
    num_batches = -(-num_chunks // batch_size)
    padded = np.full(
        num_batches * batch_size * chunk_length, NUM_CLASSES // 2, np.int32
    )
    padded[: len(classes)] = classes
    batches = padded.reshape(num_batches, batch_size, chunk_length)
    codes = [
        stack.codes_for_level(batch, stack.num_levels).reshape(-1) for batch in batches
    ]
    return np.concatenate(codes)[: len(classes) // hop].astype(np.int32)


def _write_codes(directory, id_, codes):
    """Writes one recording's codes atomically; returns the file name."""
    name = hashlib.sha1(id_.encode("utf-8")).hexdigest()[:20] + ".int32"
    path = os.path.join(directory, CODES_FOLDER, name)
    codes.astype("<i4").tofile(path + ".tmp")
    os.replace(path + ".tmp", path)
    return name


def _read_codes(path):
    return tf.io.decode_raw(tf.io.read_file(path), tf.int32, little_endian=True)


def _is_complete(directory):
    path = os.path.join(directory, METADATA_FILE)
    if not os.path.exists(path):
        return False
    with open(path) as file:
        return bool(json.load(file).get("complete"))


def _start_metadata(directory, source):
    """Writes (or checks, when resuming) the metadata of an encoding."""
    path = os.path.join(directory, METADATA_FILE)
    if os.path.exists(path):
        with open(path) as file:
            metadata = json.load(file)
        previous = {key: metadata.get(key) for key in source}
        if previous != source:
            raise ValueError(
                f"{directory} holds codes of another encoding ({previous}); "
                f"received {source}. Use another `output_dir`."
            )
        return metadata
    metadata = dict(source, complete=False)
    write_json(path, metadata)
    return metadata


def _read_index(directory):
    """Reads `index.jsonl` as {id: entry}, dropping a line cut short by a kill."""
    path = os.path.join(directory, INDEX_FILE)
    if not os.path.exists(path):
        return {}
    entries, valid_bytes = {}, 0
    with open(path, "rb") as file:
        for line in file:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break
            if not line.endswith(b"\n"):
                break
            entries[entry["id"]] = entry
            valid_bytes += len(line)
    if valid_bytes < os.path.getsize(path):
        logger.warning("Dropping an incomplete last line of %s.", path)
        os.truncate(path, valid_bytes)
    return entries
