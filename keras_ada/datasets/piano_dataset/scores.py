"""Scores to piano performances: music21 streams to timed, humanised notes.

A performance is a `Notes` record of four aligned numpy arrays (onset and offset in
seconds, MIDI pitch, MIDI velocity), the input of `synthesis.render`.
"""

from __future__ import annotations

import dataclasses

import music21
import numpy as np

# Velocity of a dynamic marking: 30 + 90 * music21's volume scalar (p -> 61, mf -> 80,
# f -> 93, ff -> 106); notes before the first marking are played mezzo-forte.
_VELOCITY_FLOOR = 30.0
_VELOCITY_RANGE = 90.0
_DEFAULT_VOLUME = 0.55
_ACCENT_VELOCITY = 12
_STACCATO_RATIO = 0.5
_LEGATO_RATIO = 0.95
_MIN_DURATION = 0.04  # Seconds.
_UNISON = 0.05  # Seconds: closer onsets on one key are merged into one stroke.


@dataclasses.dataclass
class Notes:
    """The notes of a performance, one entry per note, sorted by onset.

    Attributes:
        onset: float64 `[N]`, note-on times in seconds.
        offset: float64 `[N]`, note-off times in seconds (`offset > onset`).
        pitch: int32 `[N]`, MIDI key numbers 0..127.
        velocity: int32 `[N]`, MIDI velocities 1..127.
    """

    onset: np.ndarray
    offset: np.ndarray
    pitch: np.ndarray
    velocity: np.ndarray

    def __len__(self) -> int:
        return len(self.pitch)

    @property
    def duration(self) -> float:
        """The time of the last note-off, in seconds."""
        return float(self.offset.max()) if len(self) else 0.0

    def take(self, index: np.ndarray) -> Notes:
        """Returns the notes selected by an index or boolean mask."""
        return Notes(
            self.onset[index],
            self.offset[index],
            self.pitch[index],
            self.velocity[index],
        )


def parse(corpus_path: str) -> music21.stream.Score:
    """Parses a score of the corpus that ships with music21 (no network).

    Args:
        corpus_path: path inside `music21/corpus`, e.g. `"bach/bwv66.6.mxl"`.

    Returns:
        The parsed `music21.stream.Score`.
    """
    return music21.corpus.parse(corpus_path)


def score_notes(score: music21.stream.Score, default_qpm: float) -> Notes:
    """Reads the notes of a score as a deadpan performance.

    Every part is played (a string quartet becomes a piano reduction of all four
    parts). Tied notes are merged, grace notes are dropped, dynamic markings set
    the velocity (`30 + 90 * volume`, mezzo-forte before the first marking), accents
    add 12 to it, staccato notes sound for half their value and other notes for 95%.
    Onsets follow the score's metronome marks (those of its first part that has
    any); a score without a numeric mark is played at `default_qpm`.

    Args:
        score: a `music21.stream.Score`.
        default_qpm: tempo in quarter notes per minute where the score gives none.

    Returns:
        The `Notes`, sorted by onset.
    """
    to_seconds = _tempo_map(score, default_qpm)
    parts = list(score.parts) or [score]
    columns = [_part_notes(part) for part in parts]
    onset_ql = np.concatenate([c[0] for c in columns])
    end_ql = np.concatenate([c[1] for c in columns])
    pitch = np.concatenate([c[2] for c in columns]).astype(np.int32)
    velocity = np.concatenate([c[3] for c in columns]).astype(np.int32)
    ratio = np.concatenate([c[4] for c in columns])
    onset = to_seconds(onset_ql)
    offset = onset + np.maximum((to_seconds(end_ql) - onset) * ratio, _MIN_DURATION)
    order = np.lexsort((pitch, onset))
    return Notes(onset, offset, pitch, velocity).take(order)


def humanise(notes: Notes, seed: int) -> Notes:
    """Applies light, seeded humanisation to a deadpan performance.

    One tempo factor per piece, uniform in [0.96, 1.04]; onset jitter per note,
    normal with a 6 ms standard deviation clipped to +-20 ms (chords spread
    slightly); velocity noise per note, normal with standard deviation 5, clipped to
    1..127. Repeated notes on one key are then made playable on a piano: of two
    notes on one key starting less than 50 ms apart (voices in unison) only the
    louder is struck, lasting as long as the longer; otherwise a note is cut where
    the next note on its key starts.

    Args:
        notes: the deadpan `Notes`.
        seed: seed of the random generator.

    Returns:
        The humanised `Notes`, sorted by onset.
    """
    rng = np.random.default_rng(seed)
    tempo = rng.uniform(0.96, 1.04)
    jitter = np.clip(rng.normal(0.0, 0.006, len(notes)), -0.02, 0.02)
    onset = np.maximum(notes.onset * tempo + jitter, 0.0)
    offset = np.maximum(notes.offset * tempo + jitter, onset + _MIN_DURATION)
    velocity = np.clip(
        np.round(notes.velocity + rng.normal(0.0, 5.0, len(notes))), 1, 127
    ).astype(np.int32)
    order = np.lexsort((notes.pitch, onset))
    return _playable(Notes(onset, offset, notes.pitch, velocity).take(order))


def _playable(notes: Notes) -> Notes:
    """Removes same-key overlaps from notes sorted by onset."""
    keep = np.ones(len(notes), dtype=bool)
    offset = notes.offset.copy()
    velocity = notes.velocity.copy()
    sounding = {}
    for index, (pitch, onset) in enumerate(zip(notes.pitch, notes.onset)):
        previous = sounding.get(pitch)
        if previous is not None and onset - notes.onset[previous] < _UNISON:
            keep[index] = False
            offset[previous] = max(offset[previous], offset[index])
            velocity[previous] = max(velocity[previous], velocity[index])
            continue
        if previous is not None and offset[previous] > onset:
            offset[previous] = onset
        sounding[pitch] = index
    return Notes(notes.onset, offset, notes.pitch, velocity).take(keep)


def _tempo_map(score: music21.stream.Score, default_qpm: float):
    """Returns a function from score offsets (quarter lengths) to seconds."""
    marks = []
    for part in list(score.parts) or [score]:
        marks = [
            (float(mark.getOffsetInHierarchy(score)), mark.getQuarterBPM())
            for mark in part.recurse().getElementsByClass(music21.tempo.MetronomeMark)
        ]
        if marks:
            break
    starts, qpms = [0.0], [default_qpm]
    for start, qpm in sorted(marks, key=lambda mark: mark[0]):
        qpm = qpm or qpms[-1]
        if start <= starts[-1]:
            qpms[-1] = qpm
        else:
            starts.append(start)
            qpms.append(qpm)
    starts = np.asarray(starts)
    seconds_per_quarter = 60.0 / np.asarray(qpms)
    seconds_at_start = np.concatenate(
        [[0.0], np.cumsum(np.diff(starts) * seconds_per_quarter[:-1])]
    )

    def to_seconds(offsets: np.ndarray) -> np.ndarray:
        segment = np.searchsorted(starts, offsets, side="right") - 1
        return (
            seconds_at_start[segment]
            + (offsets - starts[segment]) * seconds_per_quarter[segment]
        )

    return to_seconds


def _part_notes(part: music21.stream.Stream):
    """Returns onset, end (quarter lengths), pitch, velocity, duration ratio."""
    onsets, ends, pitches, velocities, ratios = [], [], [], [], []
    open_ties = {}
    volume = _DEFAULT_VOLUME
    classes = [music21.note.Note, music21.chord.Chord, music21.dynamics.Dynamic]
    for element in part.flatten().getElementsByClass(classes):
        if isinstance(element, music21.dynamics.Dynamic):
            volume = element.volumeScalar or volume
            continue
        if element.duration.isGrace:
            continue
        start = float(element.offset)
        end = start + float(element.duration.quarterLength)
        articulations = {type(a).__name__ for a in element.articulations}
        velocity = _VELOCITY_FLOOR + _VELOCITY_RANGE * volume
        velocity += _ACCENT_VELOCITY * bool(articulations & {"Accent", "StrongAccent"})
        ratio = _STACCATO_RATIO if "Staccato" in articulations else _LEGATO_RATIO
        chord_tie = element.tie
        members = element.notes if element.isChord else [element]
        for member in members:
            pitch = member.pitch.midi
            tie = (member.tie or chord_tie) if element.isChord else member.tie
            tie_type = tie.type if tie is not None else None
            if tie_type in ("continue", "stop") and pitch in open_ties:
                index = open_ties[pitch]
                ends[index] = end
                ratios[index] = ratio
                if tie_type == "stop":
                    del open_ties[pitch]
                continue
            if tie_type == "start":
                open_ties[pitch] = len(onsets)
            onsets.append(start)
            ends.append(end)
            pitches.append(pitch)
            velocities.append(velocity)
            ratios.append(ratio)
    return (
        np.asarray(onsets, dtype=np.float64),
        np.asarray(ends, dtype=np.float64),
        np.asarray(pitches, dtype=np.int64),
        np.round(np.asarray(velocities, dtype=np.float64)),
        np.asarray(ratios, dtype=np.float64),
    )
