"""User recordings: finding audio files and checking that they are usable.

Any format libsndfile reads (WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF, ...), at any
rate, bit depth and channel count, is read to 16 kHz mono int16 by
`keras_ada.audio.read_audio`, block by block.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging

import numpy as np
from etils import epath

import keras_ada.audio

# Extensions of the formats libsndfile reads.
AUDIO_EXTENSIONS = frozenset(
    [
        ".aif",
        ".aifc",
        ".aiff",
        ".au",
        ".caf",
        ".flac",
        ".mp3",
        ".oga",
        ".ogg",
        ".opus",
        ".rf64",
        ".snd",
        ".w64",
        ".wav",
        ".wave",
    ]
)
METADATA_FILE = "metadata.csv"
UNKNOWN_COMPOSER = "Unknown"
_SILENCE_DBFS = -60.0
_SILENCE_PEAK = round(32768 * 10 ** (_SILENCE_DBFS / 20))  # 33 in int16 units.

logger = logging.getLogger(__name__)


class UnusableAudioError(ValueError):
    """A file that is read correctly but cannot be used (silent, too short)."""


@dataclasses.dataclass(frozen=True)
class Recording:
    """A user recording found in the manual directory.

    Attributes:
        path: the file.
        id: its path relative to the manual directory, with `/` separators.
        composer: from `metadata.csv`, else the top folder, else `"Unknown"`.
        title: from `metadata.csv`, else the file name without extension.
    """

    path: epath.Path
    id: str
    composer: str
    title: str


def find_recordings(
    directory: epath.Path,
) -> tuple[list[Recording], list[epath.Path]]:
    """Lists the audio files below a directory, with their metadata.

    Composer and title come from an optional `metadata.csv` at the top of the
    directory, with a header row and the columns `path` (required: the file's path
    relative to the directory, `/`-separated), `composer` and `title` (optional:
    an empty cell falls back to the default). Otherwise the composer is the name
    of the top folder holding the file (`Chopin/Nocturnes/op9no2.flac` ->
    `Chopin`; `"Unknown"` for files at the top) and the title is the file name
    without its extension.

    Args:
        directory: the manual directory.

    Returns:
        `(recordings, ignored)`: the audio files (by extension) in path order, and
        the other files, except `metadata.csv`.

    Raises:
        ValueError: if `metadata.csv` has no `path` column.
    """
    directory = epath.Path(directory)
    metadata = _read_metadata(directory / METADATA_FILE)
    recordings, ignored = [], []
    for path in sorted(_files(directory)):
        relative = path.relative_to(directory).as_posix()
        if relative == METADATA_FILE:
            continue
        if path.suffix.lower() not in AUDIO_EXTENSIONS:
            ignored.append(path)
            continue
        row = metadata.pop(relative, {})
        folders = relative.split("/")[:-1]
        recordings.append(
            Recording(
                path=path,
                id=relative,
                composer=row.get("composer")
                or (folders[0] if folders else UNKNOWN_COMPOSER),
                title=row.get("title") or path.stem,
            )
        )
    for relative in sorted(metadata):
        logger.warning(
            "%s lists %s, which is not an audio file in %s.",
            METADATA_FILE,
            relative,
            directory,
        )
    return recordings, ignored


def _files(directory: epath.Path):
    """Yields the files below a directory, recursively."""
    for path in directory.iterdir():
        if path.is_dir():
            yield from _files(path)
        else:
            yield path


def _read_metadata(path: epath.Path) -> dict[str, dict[str, str]]:
    """Reads `metadata.csv` as {relative path: {column: value}} ({} if absent)."""
    if not path.exists():
        return {}
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    if "path" not in (reader.fieldnames or []):
        raise ValueError(
            f"{path} needs a header row with a `path` column (and optionally "
            f"`composer` and `title`). Received columns: {reader.fieldnames}"
        )
    return {
        row["path"].strip().replace("\\", "/"): {
            key: (value or "").strip() for key, value in row.items() if key
        }
        for row in reader
        if row.get("path")
    }


def read_recording(path: epath.Path, min_duration: float) -> np.ndarray:
    """Reads a recording as 16 kHz mono int16 (`keras_ada.audio.read_audio`).

    Args:
        path: the file, in any format libsndfile reads.
        min_duration: shortest accepted duration, in seconds.

    Returns:
        int16 `[T]` at 16 kHz.

    Raises:
        keras_ada.audio.AudioFileError: if libsndfile cannot read the file.
        UnusableAudioError: if the file is silent (peak below -60 dBFS), empty or
            shorter than `min_duration`.
    """
    audio = keras_ada.audio.read_audio(path, dtype="int16")
    duration = len(audio) / keras_ada.audio.SAMPLE_RATE
    if duration < min_duration:
        raise UnusableAudioError(
            f"too short: {duration:.2f} s, the minimum is {min_duration:.2f} s"
        )
    if np.abs(audio.astype(np.int32)).max() <= _SILENCE_PEAK:
        raise UnusableAudioError(f"silent: peak below {_SILENCE_DBFS:.0f} dBFS")
    return audio


def describe_error(error: Exception) -> str:
    """Why a file was skipped, from the error `read_recording` raised."""
    if isinstance(error, UnusableAudioError):
        return str(error)
    if isinstance(error, keras_ada.audio.AudioFileError):
        return str(error).partition(": ")[2]
    return f"unreadable ({type(error).__name__}: {error})"
