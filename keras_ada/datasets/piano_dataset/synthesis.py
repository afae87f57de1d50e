"""Piano synthesis: scores of the music21 corpus to 16 kHz int16 audio.

Notes are played on the acoustic grand piano (General MIDI program 0) of a SoundFont
by FluidSynth (through `pyfluidsynth`, which needs the system library
`libfluidsynth`), rendered at 32 kHz with FluidSynth's reverb and decimated to
16 kHz by a polyphase filter, so that nothing above 8 kHz aliases into the band.
Each piece is then trimmed of its silent tail and peak-normalised to -1 dBFS.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import sys
from collections.abc import Iterable
from collections.abc import Iterator

import numpy as np
import scipy.signal

from . import scores

SAMPLE_RATE = 16000
# The Fluid (R3) General MIDI SoundFont, as installed by Debian's fluid-soundfont-gm.
DEFAULT_SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SOUNDFONT_ENV = "PIANO_DATASET_SOUNDFONT"
INSTALL_HINT = (
    "Install FluidSynth and the Fluid (R3) SoundFont with "
    "`scripts/install_system_deps.sh` (Debian/Ubuntu: apt-get install fluidsynth "
    "fluid-soundfont-gm) and `pip install pyfluidsynth`, or point "
    f"{SOUNDFONT_ENV} at another General MIDI SoundFont."
)

_RENDER_RATE = 2 * SAMPLE_RATE
_GAIN = 0.2  # FluidSynth's default; the output is float, normalised afterwards.
_TAIL_SECONDS = 3.0  # Rendered after the last note-off: release and reverb.
_SILENCE = 1e-3  # -60 dB relative to the peak: the trimmed tail is quieter.
_PEAK = 10 ** (-1 / 20)  # -1 dBFS.

logger = logging.getLogger(__name__)


def soundfont_path() -> str:
    """Returns the SoundFont to render with: `$PIANO_DATASET_SOUNDFONT` or Fluid R3.

    Raises:
        FileNotFoundError: if the SoundFont is missing, with installation hints.
    """
    path = os.environ.get(SOUNDFONT_ENV, DEFAULT_SOUNDFONT)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"SoundFont not found: {path}. {INSTALL_HINT}")
    return path


def is_available() -> bool:
    """Whether FluidSynth (`pyfluidsynth` and `libfluidsynth`) and the SoundFont are."""
    try:
        import fluidsynth  # noqa: F401

        soundfont_path()
    except (ImportError, FileNotFoundError):
        return False
    return True


def render(notes: scores.Notes, soundfont: str) -> np.ndarray:
    """Plays notes on the SoundFont's acoustic grand piano.

    Each call starts a fresh synthesiser (loading the piano of the SoundFont takes
    a few tens of milliseconds): a synthesiser that has played before keeps some state, and the
    output of a piece would then depend on what was rendered before it, in which
    worker process.

    Args:
        notes: the `scores.Notes` to play.
        soundfont: path of a General MIDI SoundFont (`.sf2`/`.sf3`).

    Returns:
        int16 `[T]` at 16 kHz, mono, trimmed of its silent tail, peak at -1 dBFS
        (all zeros for a performance without notes).

    Example:

    ```python
    audio = render(scores.humanise(notes, seed=0), soundfont_path())
    ```
    """
    fluidsynth = _fluidsynth()
    synth = fluidsynth.Synth(
        gain=_GAIN,
        samplerate=float(_RENDER_RATE),
        **{
            "synth.chorus.active": 0,
            "synth.reverb.active": 1,
            # Load only the piano's samples, not the whole General MIDI bank.
            "synth.dynamic-sample-loading": 1,
        },
    )
    try:
        font = synth.sfload(soundfont)
        if font == -1:
            raise ValueError(f"FluidSynth could not load the SoundFont {soundfont}.")
        synth.program_select(0, font, 0, 0)
        stereo = _play(synth, notes)
    finally:
        synth.delete()
    audio = scipy.signal.resample_poly(stereo.mean(axis=1), 1, 2)
    return _finish(audio)


def _play(synth, notes: scores.Notes) -> np.ndarray:
    """Sends the note events at their sample times; returns float32 `[T, 2]`."""
    events = sorted(
        [
            (round(t * _RENDER_RATE), 1, p, v)
            for t, p, v in zip(notes.onset, notes.pitch, notes.velocity)
        ]
        + [
            (round(t * _RENDER_RATE), 0, p, 0)
            for t, p in zip(notes.offset, notes.pitch)
        ]
    )
    chunks = []
    now = 0
    for time, is_on, pitch, velocity in events:
        if time > now:
            chunks.append(_write_float(synth, time - now))
            now = time
        if is_on:
            synth.noteon(0, int(pitch), int(velocity))
        else:
            synth.noteoff(0, int(pitch))
    chunks.append(_write_float(synth, int(_TAIL_SECONDS * _RENDER_RATE)))
    return np.concatenate(chunks)


def _write_float(synth, frames: int) -> np.ndarray:
    """Renders `frames` stereo float32 frames (pyfluidsynth only writes int16)."""
    buffer = np.zeros((frames, 2), np.float32)
    address = buffer.ctypes.data
    _fluid_synth_write_float()(synth.synth, frames, address, 0, 2, address, 1, 2)
    return buffer


@functools.lru_cache(maxsize=1)
def _fluid_synth_write_float():
    """The C function `fluid_synth_write_float`, declared with pyfluidsynth."""
    fluidsynth = _fluidsynth()
    return fluidsynth.cfunc(
        "fluid_synth_write_float",
        ctypes.c_int,
        ("synth", ctypes.c_void_p, 1),
        ("len", ctypes.c_int, 1),
        ("lout", ctypes.c_void_p, 1),
        ("loff", ctypes.c_int, 1),
        ("lincr", ctypes.c_int, 1),
        ("rout", ctypes.c_void_p, 1),
        ("roff", ctypes.c_int, 1),
        ("rincr", ctypes.c_int, 1),
    )


def _fluidsynth():
    try:
        import fluidsynth
    except ImportError as error:
        raise ImportError(
            f"FluidSynth is not available ({error}). {INSTALL_HINT}"
        ) from error
    return fluidsynth


def _finish(audio: np.ndarray) -> np.ndarray:
    """Trims the silent tail, normalises the peak to -1 dBFS, converts to int16."""
    peak = float(np.abs(audio).max(initial=0.0))
    if peak == 0.0:
        return np.zeros(len(audio), dtype=np.int16)
    loud = np.flatnonzero(np.abs(audio) > _SILENCE * peak)
    audio = audio[: loud[-1] + 1] * (_PEAK / peak)
    return np.round(audio * 32767).astype(np.int16)


def render_score(
    corpus_path: str, default_qpm: float, seed: int, soundfont: str
) -> tuple[np.ndarray | None, str | None]:
    """Parses, humanises and plays one score of the music21 corpus.

    Args:
        corpus_path: path inside `music21/corpus`.
        default_qpm: tempo where the score has no metronome mark.
        seed: seed of the humanisation.
        soundfont: path of the SoundFont.

    Returns:
        `(audio, None)` with int16 16 kHz audio, or `(None, reason)` when the
        score could not be read or has no notes.
    """
    try:
        score = scores.parse(corpus_path)
        notes = scores.score_notes(score, default_qpm)
    except Exception as error:  # noqa: BLE001 - one bad score must not stop a build.
        return None, f"unreadable score ({type(error).__name__}: {error})"
    if not len(notes):
        return None, "the score has no notes"
    return render(scores.humanise(notes, seed), soundfont), None


def default_num_workers(num_jobs: int) -> int:
    """One rendering process per available core, at most 8, at least 4 jobs each.

    Starting a process costs about as much as rendering a few short scores.
    """
    cores = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 1)
    )
    return max(1, min(cores, 8, num_jobs // 4))


def _render_score_star(args):
    return render_score(*args)


@contextlib.contextmanager
def _importable_package():
    """Puts this package's parent on `sys.path` while worker processes start."""
    parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    added = parent not in sys.path
    if added:
        sys.path.insert(0, parent)
    try:
        yield
    finally:
        if added:
            sys.path.remove(parent)


def render_scores(
    jobs: Iterable[tuple[str, float, int]], soundfont: str, num_workers: int
) -> Iterator[tuple[np.ndarray | None, str | None]]:
    """Renders scores in parallel, yielding results in the order of `jobs`.

    Worker processes are started fresh (`spawn`), not forked from a process that
    may run TensorFlow threads.

    Args:
        jobs: `(corpus_path, default_qpm, seed)` triples, see `render_score`.
        soundfont: path of the SoundFont.
        num_workers: number of processes; 1 renders in this process.

    Yields:
        `render_score` results, one per job, in order.
    """
    tasks = [(path, qpm, seed, soundfont) for path, qpm, seed in jobs]
    if num_workers <= 1:
        yield from map(_render_score_star, tasks)
        return
    context = multiprocessing.get_context("spawn")
    with _importable_package():
        pool = context.Pool(num_workers)
    with pool:
        yield from pool.imap(_render_score_star, tasks)
