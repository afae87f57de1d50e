"""The Apache Beam pipeline that turns user recordings into examples.

TFDS runs a builder's split as a Beam pipeline when `_generate_examples`
returns a `beam.PTransform`. `RecordingExamples` is that transform for the
`recordings` config: every file is decoded, resampled to 16 kHz mono (soxr),
checked for silence and length, and zlib-encoded by a worker of its own, so
a build scales with the workers of the runner (`tfds build ...
--beam_pipeline_options=...`: local processes, Dataflow, Flink, Spark).

A file that cannot be used is named in a log line with its reason and counted
in the Beam counters `piano_dataset:ingested` and `piano_dataset:skipped`;
each split ends with one summary line.
"""

from __future__ import annotations

import logging

import numpy as np
import tensorflow_datasets as tfds
from tensorflow_datasets.core.utils.lazy_imports_utils import apache_beam as beam

from . import audio_files

COUNTER_NAMESPACE = "piano_dataset"

logger = logging.getLogger(__name__)


def recording_example(recording, min_duration: float, audio_feature):
    """Reads one recording as an example of `piano_dataset`.

    Args:
        recording: an `audio_files.Recording`.
        min_duration: shortest accepted duration, in seconds.
        audio_feature: the dataset's `audio` feature (its encoding is applied).

    Returns:
        `(example, None)`, or `(None, reason)` for a file that cannot be used.
    """
    try:
        audio = audio_files.read_recording(recording.path, min_duration)
    except Exception as error:  # noqa: BLE001 - a bad file must not stop a build.
        return None, audio_files.describe_error(error)
    example = {
        "audio": encode_audio(audio_feature, audio),
        "composer": recording.composer,
        "title": recording.title,
        "id": recording.id,
    }
    return example, None


def encode_audio(audio_feature, audio: np.ndarray) -> np.ndarray:
    """Applies the `audio` feature's zlib encoding to int16 samples.

    `tfds.features.Audio` passes numpy arrays through without its encoding
    (TFDS 4.9: int16 samples would then fail to serialise, or be stored as
    int64 without an encoding), so the `tfds.features.Tensor` encoding that
    `Audio` decodes on reading is applied here.
    """
    return np.asarray(tfds.features.Tensor.encode_example(audio_feature, audio), object)


class RecordingExamples(beam.PTransform):
    """Reads recordings into `(id, example)` pairs, skipping the bad ones.

    Args:
        split: the split's name, for the log.
        recordings: the `audio_files.Recording`s of the split.
        min_duration: shortest accepted duration, in seconds.
        audio_feature: the dataset's `audio` feature.
    """

    def __init__(self, split, recordings, min_duration, audio_feature):
        super().__init__(label=f"Recordings_{split}")
        self.split = split
        self.recordings = list(recordings)
        self.min_duration = min_duration
        self.audio_feature = audio_feature

    def expand(self, root):
        split = self.split
        results = (
            root
            | f"List_{split}" >> beam.Create(self.recordings, reshuffle=True)
            | f"Read_{split}"
            >> beam.Map(
                _read_and_count,
                min_duration=self.min_duration,
                audio_feature=self.audio_feature,
            )
        )
        (
            results
            | f"Outcome_{split}" >> beam.Map(lambda result: result[1] is not None)
            | f"Count_{split}" >> beam.combiners.Count.PerElement()
            | f"Totals_{split}" >> beam.combiners.ToDict()
            | f"Summary_{split}" >> beam.Map(_log_summary, split=split)
        )
        return results | f"Examples_{split}" >> beam.FlatMap(
            lambda result: [(result[0].id, result[1])] if result[1] is not None else []
        )


def _read_and_count(recording, min_duration, audio_feature):
    example, reason = recording_example(recording, min_duration, audio_feature)
    if example is None:
        logger.warning("Skipped %s: %s.", recording.path, reason)
        beam.metrics.Metrics.counter(COUNTER_NAMESPACE, "skipped").inc()
    else:
        beam.metrics.Metrics.counter(COUNTER_NAMESPACE, "ingested").inc()
    return recording, example


def _log_summary(totals, split):
    logger.info(
        "piano_dataset %s split: %d ingested, %d skipped.",
        split,
        totals.get(True, 0),
        totals.get(False, 0),
    )
