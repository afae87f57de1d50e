"""The `recordings` config on a folder mixing good and broken files.

Every good file must come out at its true duration; every bad one must be skipped
with a log line naming it and the reason, and never stop the build.
"""

import hashlib
import logging
import types

import apache_beam as beam
import numpy as np
import pytest
import soundfile
import tensorflow_datasets as tfds
from apache_beam.testing.util import assert_that
from apache_beam.testing.util import equal_to
from piano_data_helpers import build_recordings
from piano_data_helpers import tones
from piano_data_helpers import write_recordings

from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder

# name: (rate, channels, seconds, soundfile format, subtype)
GOOD = {
    "Bach/pcm16_16k.wav": (16000, 1, 2.0, "WAV", "PCM_16"),
    "Bach/pcm24_44k_stereo.wav": (44100, 2, 1.5, "WAV", "PCM_24"),
    "Bach/pcm32_96k.wav": (96000, 1, 1.2, "WAV", "PCM_32"),
    "Chopin/unsigned8_22k.wav": (22050, 1, 1.25, "WAV", "PCM_U8"),
    "Chopin/float_48k.wav": (48000, 1, 1.3, "WAV", "FLOAT"),
    "Chopin/flac_32k_stereo.flac": (32000, 2, 1.7, "FLAC", "PCM_16"),
    "Liszt/aiff_11k.aiff": (11025, 1, 1.4, "AIFF", "PCM_16"),
    "Liszt/vorbis_44k.ogg": (44100, 1, 1.6, "OGG", "VORBIS"),
    "Liszt/six_channels_8k.wav": (8000, 6, 1.1, "WAV", "PCM_16"),
    # Longer than a 30 s read block: resampled in several blocks.
    "Liszt/long_22k.flac": (22050, 1, 65.0, "FLAC", "PCM_16"),
}
BAD = {
    "empty.wav": "unreadable",
    "text.mp3": "unreadable",
    "garbage.flac": "unreadable",
    "silent.wav": "silent",
    "short.wav": "too short",
    "truncated.flac": "",
    "truncated.wav": "",
}


def _write_folder(folder):
    write_recordings(folder, GOOD)
    (folder / "empty.wav").write_bytes(b"")
    (folder / "text.mp3").write_text("Not an mp3 file.\n")
    (folder / "garbage.flac").write_bytes(np.random.default_rng(0).bytes(5000))
    soundfile.write(folder / "silent.wav", np.zeros(32000), 16000)
    soundfile.write(folder / "short.wav", tones(0.2), 16000)
    soundfile.write(folder / "whole.flac", tones(4.0, seed=99), 16000)
    whole = (folder / "whole.flac").read_bytes()
    (folder / "whole.flac").unlink()
    (folder / "truncated.flac").write_bytes(whole[: len(whole) // 2])
    soundfile.write(folder / "whole.wav", tones(3.0, seed=98), 16000)
    whole = (folder / "whole.wav").read_bytes()
    (folder / "whole.wav").unlink()
    (folder / "truncated.wav").write_bytes(whole[: len(whole) // 2])
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    # A broken file that comes first in the choice of `eval` (smallest hash).
    first = min(
        list(GOOD) + list(BAD), key=lambda i: hashlib.sha256(i.encode()).digest()
    )
    name = next(
        f"broken_{k}.wav"
        for k in range(10000)
        if hashlib.sha256(f"broken_{k}.wav".encode()).digest()
        < hashlib.sha256(first.encode()).digest()
    )
    (folder / name).write_text("Not audio.\n")
    return name


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    first_bad = _write_folder(folder)
    source, _ = soundfile.read(folder / "Bach/pcm16_16k.wav", dtype="int16")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    # The builder reports skipped files; the reader reports truncated ones.
    loggers = [logging.getLogger(name) for name in ("piano_dataset", "keras_ada")]
    previous_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        builder = build_recordings(folder, tmp_path_factory.mktemp("data"))
    finally:
        for logger, level in zip(loggers, previous_levels):
            logger.removeHandler(handler)
            logger.setLevel(level)
    examples = {
        split: {
            ex["id"].decode(): ex
            for ex in tfds.as_numpy(builder.as_dataset(split=split))
        }
        for split in builder.info.splits
    }
    messages = [record.getMessage() for record in records]
    return examples, messages, first_bad, source


def test_every_good_file_is_present_at_its_true_duration(built):
    examples, _, _, _ = built
    found = {**examples["train"], **examples["eval"]}
    for name, (rate, _, seconds, _, _) in GOOD.items():
        assert name in found, name
        audio = found[name]["audio"]
        assert audio.dtype == np.int16
        frames = round(seconds * rate)
        assert abs(len(audio) - frames * 16000 / rate) <= 1, (name, len(audio))
        assert np.abs(audio).max() > 1000, name


def test_audio_matches_the_source(built):
    examples, _, _, source = built
    found = {**examples["train"], **examples["eval"]}
    # 16 kHz mono 16-bit files pass through bit for bit.
    np.testing.assert_array_equal(found["Bach/pcm16_16k.wav"]["audio"], source)
    resampled = found["Bach/pcm24_44k_stereo.wav"]["audio"] / 32768.0
    reference = tones(1.5, 16000, seed=1)
    # Sample-exact apart from the resampler's band edge and quantisation.
    assert np.sqrt(np.mean((resampled - reference) ** 2)) < 0.01


def test_every_bad_file_is_skipped_with_a_reason(built):
    examples, messages, first_bad, _ = built
    found = {**examples["train"], **examples["eval"]}
    for name, reason in {**BAD, first_bad: "unreadable"}.items():
        lines = [m for m in messages if name in m]
        assert lines, (name, messages)
        if name in found:  # A truncated file may keep what could be read.
            assert any("truncated" in line for line in lines), lines
        else:
            assert any("Skipped" in line and reason in line for line in lines), lines
    assert not any("cover.jpg" in name for name in found)
    assert any("cover.jpg" in m and "not an audio file" in m for m in messages)


def test_summary_and_eval_split(built):
    examples, messages, first_bad, _ = built
    total_skipped = len(GOOD) + len(BAD) + 1 - len(examples["train"]) - 1
    assert "piano_dataset eval split: 1 ingested, 0 skipped." in messages
    assert (
        f"piano_dataset train split: {len(examples['train'])} ingested, "
        f"{total_skipped} skipped." in messages
    )
    # ceil(1% of 18) = 1 recording; the broken first one is passed over.
    assert len(examples["eval"]) == 1
    assert first_bad not in {**examples["train"], **examples["eval"]}
    assert not set(examples["eval"]) & set(examples["train"])


def test_train_split_alone_is_the_same_as_after_eval(built, tmp_path):
    """TFDS or Beam may generate `train` first or alone: it must not need `eval`."""
    examples, _, _, _ = built
    folder = tmp_path / "mixed"
    _write_folder(folder)
    builder = piano_dataset_dataset_builder.Builder(
        config="recordings", data_dir=str(tmp_path / "data")
    )
    manager = types.SimpleNamespace(manual_dir=str(folder))
    train = builder._split_generators(manager)["train"]
    with beam.Pipeline() as pipeline:
        ids = pipeline | train | beam.Map(lambda pair: pair[0])
        assert_that(ids, equal_to(sorted(examples["train"])))
