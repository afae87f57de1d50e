"""piano_dataset: solo piano audio at 16 kHz, 16-bit, mono.

Two sources side by side, as builder configs:

* `embedded` (default) and `embedded_mini`: public-domain scores from the corpus that
  ships inside the `music21` wheel, humanised and rendered with a sampled piano
  (FluidSynth and the Fluid R3 SoundFont). No network.
* `recordings`: your own recordings, from `--manual_dir`.

`tfds build piano_dataset` builds the embedded configs; `recordings` is built only
on request: `tfds build piano_dataset --config recordings --manual_dir DIR`.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import logging
import math
from typing import ClassVar

import numpy as np
import tensorflow_datasets as tfds
from etils import epath

from keras_ada.audio import SAMPLE_RATE
from keras_ada.library_logs import printed_noise
from keras_ada.native_logs import filter_stderr_until_exit

from . import audio_files
from . import recordings_pipeline
from . import synthesis

# The C++ lines of the build and of its worker processes, which inherit stderr
# and log the libraries' noise before they import keras-ada.
filter_stderr_until_exit(printed_noise())

EVAL_FRACTION = 0.01
_REPERTOIRE = epath.Path(__file__).parent / "repertoire.tsv"
_DEFAULT_QPM = 120.0  # music21's tempo for a score without metronome marks.

logger = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class PianoConfig(tfds.core.BuilderConfig):
    """Configuration of a `piano_dataset` source.

    Attributes:
        source: `"scores"` (render the music21 corpus) or `"manual"` (read the user's
            recordings from the manual directory).
        pieces: for `"scores"`: `"all"` rows of `repertoire.tsv`, the `"mini"`
            rows, or a tuple of corpus paths (rows of `repertoire.tsv`).
        min_duration: for `"manual"`: shorter files are skipped, in seconds.
    """

    source: str = "scores"
    pieces: str | tuple[str, ...] = "all"
    min_duration: float = 1.0

    def __post_init__(self):
        if self.source not in ("scores", "manual"):
            raise ValueError(
                "`source` must be 'scores' or 'manual'. "
                f"Received: source={self.source!r}"
            )
        if not self.min_duration > 0:
            raise ValueError(
                "`min_duration` must be positive. "
                f"Received: min_duration={self.min_duration}"
            )


EMBEDDED = PianoConfig(
    name="embedded",
    description=(
        "About 4 hours of public-domain repertoire from the music21 corpus (Bach, "
        "Beethoven, Mozart, Haydn, Chopin, the Schumanns, Joplin, ...), humanised "
        "and rendered with FluidSynth's Fluid R3 acoustic grand piano."
    ),
)
EMBEDDED_MINI = PianoConfig(
    name="embedded_mini",
    pieces="mini",
    description=(
        "A few minutes of the embedded repertoire, for quick demos and tests."
    ),
)
RECORDINGS = PianoConfig(
    name="recordings",
    source="manual",
    description=(
        "Your own recordings from `--manual_dir`, in any format libsndfile reads, "
        "resampled to 16 kHz mono."
    ),
)


def split_order(recording_id: str) -> bytes:
    """The rank of a recording in the choice of `eval`: the SHA-256 of its id.

    It depends on the id alone, so the choice never changes between builds.
    """
    return hashlib.sha256(recording_id.encode("utf-8")).digest()


def _seed(text: str) -> int:
    """A stable 32-bit seed derived from a string."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


@dataclasses.dataclass(frozen=True)
class _Piece:
    """A row of `repertoire.tsv`."""

    path: str
    composer: str
    title: str
    qpm: float
    mini: bool

    @property
    def id(self) -> str:
        return self.path


def _repertoire() -> list[_Piece]:
    rows = csv.DictReader(io.StringIO(_REPERTOIRE.read_text("utf-8")), delimiter="\t")
    return [
        _Piece(
            path=row["path"],
            composer=row["composer"],
            title=row["title"],
            qpm=float(row["qpm"] or _DEFAULT_QPM),
            mini=row["mini"] == "1",
        )
        for row in rows
    ]


class Builder(tfds.core.GeneratorBasedBuilder):
    """DatasetBuilder for piano_dataset."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES: ClassVar[dict[str, str]] = {"1.0.0": "Initial release."}
    # What `tfds build piano_dataset` builds: everything that needs no input.
    BUILDER_CONFIGS = (EMBEDDED, EMBEDDED_MINI)
    DEFAULT_BUILDER_CONFIG_NAME = "embedded"
    # Built only when asked for: `--config recordings --manual_dir DIR`.
    MANUAL_BUILDER_CONFIGS = (RECORDINGS,)
    MANUAL_DOWNLOAD_INSTRUCTIONS = """\
    Only the `recordings` config reads the manual directory. Put your recordings
    in it (any folder structure), in any format libsndfile reads (WAV, FLAC, Ogg,
    MP3, AIFF, ...), at any sample rate and channel count. Composer and title come
    from an optional `metadata.csv` at its top, with the columns `path` (relative
    to the directory), `composer` and `title`; otherwise the composer is the top
    folder's name and the title the file name. Then run
    `tfds build piano_dataset --config recordings --manual_dir DIR`.
    """

    @tfds.core.utils.classproperty
    @classmethod
    def builder_configs(cls) -> dict[str, tfds.core.BuilderConfig]:
        """All configs, including those `tfds build` only builds when named."""
        return {
            config.name: config
            for config in cls.BUILDER_CONFIGS + cls.MANUAL_BUILDER_CONFIGS
        }

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "audio": tfds.features.Audio(
                        shape=(None,),
                        dtype=np.int16,
                        sample_rate=SAMPLE_RATE,
                        encoding=tfds.features.Encoding.ZLIB,
                        doc="16 kHz mono 16-bit PCM.",
                    ),
                    "composer": tfds.features.Text(),
                    "title": tfds.features.Text(),
                    "id": tfds.features.Text(
                        doc="Stable recording id: corpus path or path in manual_dir."
                    ),
                }
            ),
            supervised_keys=None,
            homepage="https://arxiv.org/abs/1806.10474",
        )

    def _split_generators(self, dl_manager: tfds.download.DownloadManager):
        """Splits by recording: 1% (at least one) for `eval`, the rest for `train`.

        `eval` holds the `ceil(1% of N)` usable recordings (of `N`) that come
        first in `split_order` (the hash of their id); the bad ones met on the
        way are left to `train`, which reports them. The choice is made here,
        before either split is generated, so that the splits can be generated
        in any order or in parallel (TFDS and Beam do). With a single
        recording there is no `eval` split.
        """
        if self.builder_config.source == "manual":
            items = self._find_recordings(epath.Path(dl_manager.manual_dir))
        else:
            items = self._select_pieces()
        if len(items) < 2:
            logger.warning("A single recording: no eval split.")
            return {"train": self._generate_examples("train", items)}
        held_out = self._held_out(items)
        return {
            "eval": self._generate_examples(
                "eval", [item for item in items if item.id in held_out]
            ),
            "train": self._generate_examples(
                "train", [item for item in items if item.id not in held_out]
            ),
        }

    def _generate_examples(self, split: str, items: list):
        """The `(id, example)` pairs of a split; bad pieces or files are skipped.

        User recordings are read by a Beam pipeline (`RecordingExamples`),
        rendered scores by a pool of processes of this machine.
        """
        if self.builder_config.source == "manual":
            return recordings_pipeline.RecordingExamples(
                split,
                items,
                self.builder_config.min_duration,
                self.info.features["audio"],
            )
        return self._rendered_examples(split, items)

    def _rendered_examples(self, split: str, pieces: list):
        """Yields `(id, example)` of rendered scores; failed pieces are skipped."""
        ingested = skipped = 0
        for piece, example, reason in self._examples(pieces, parallel=True):
            if example is None:
                logger.warning("Skipped %s: %s.", piece.path, reason)
                skipped += 1
                continue
            ingested += 1
            yield piece.id, example
        logger.info(
            "piano_dataset %s split: %d ingested, %d skipped.", split, ingested, skipped
        )
        if not ingested:
            raise ValueError(
                f"No usable piece for the {split} split: all {skipped} were "
                "skipped (see the log for the pieces and the reasons)."
            )

    def _held_out(self, items: list) -> set[str]:
        """The ids of the `eval` recordings, read in `split_order`.

        They are the first `ceil(EVAL_FRACTION * len(items))` usable items in
        `split_order`; the items are read (or rendered) one by one until
        that many are usable.

        Raises:
            ValueError: if no item can be used for `eval`.
        """
        count = math.ceil(EVAL_FRACTION * len(items))
        held_out = set()
        by_hash = sorted(items, key=lambda item: split_order(item.id))
        for item, example, _ in self._examples(by_hash, parallel=False):
            if example is not None:
                held_out.add(item.id)
            if len(held_out) == count:
                break
        if not held_out:
            raise ValueError(
                f"No usable recording for the eval split: all {len(items)} were "
                "skipped (see the log for the files and the reasons)."
            )
        return held_out

    def _examples(self, items, parallel: bool):
        """Yields `(item, example or None, reason)` in order, reading items lazily."""
        if self.builder_config.source == "manual":
            for recording in items:
                yield (
                    recording,
                    *recordings_pipeline.recording_example(
                        recording,
                        self.builder_config.min_duration,
                        self.info.features["audio"],
                    ),
                )
            return
        soundfont = synthesis.soundfont_path()
        if parallel:
            items = list(items)
            jobs = [(piece.path, piece.qpm, _seed(piece.path)) for piece in items]
            workers = synthesis.default_num_workers(len(jobs))
            rendered = zip(items, synthesis.render_scores(jobs, soundfont, workers))
        else:
            rendered = (
                (
                    piece,
                    synthesis.render_score(
                        piece.path, piece.qpm, _seed(piece.path), soundfont
                    ),
                )
                for piece in items
            )
        for piece, (audio, reason) in rendered:
            if audio is None:
                yield piece, None, reason
                continue
            example = {
                "audio": recordings_pipeline.encode_audio(
                    self.info.features["audio"], audio
                ),
                "composer": piece.composer,
                "title": piece.title,
                "id": piece.id,
            }
            yield piece, example, None

    def _select_pieces(self) -> list[_Piece]:
        pieces = self.builder_config.pieces
        repertoire = _repertoire()
        if pieces == "all":
            return repertoire
        if pieces == "mini":
            return [piece for piece in repertoire if piece.mini]
        by_path = {piece.path: piece for piece in repertoire}
        unknown = sorted(set(pieces) - set(by_path))
        if unknown:
            raise ValueError(
                f"Config {self.builder_config.name!r}: pieces not in "
                f"{_REPERTOIRE.name}: {unknown}"
            )
        return [by_path[path] for path in pieces]

    def _find_recordings(self, directory: epath.Path) -> list[audio_files.Recording]:
        recordings, ignored = audio_files.find_recordings(directory)
        for path in ignored:
            logger.info("Ignored %s: not an audio file extension.", path)
        if not recordings:
            raise ValueError(
                f"No audio files in {directory} (extensions: "
                f"{', '.join(sorted(audio_files.AUDIO_EXTENSIONS))}). "
                f"{len(ignored)} other files were ignored."
            )
        logger.info(
            "Found %d audio files in %s (%d other files ignored).",
            len(recordings),
            directory,
            len(ignored),
        )
        return recordings
