"""The embedded source: scores to performances, synthesis, the repertoire list."""

import csv
import io
import os

import music21
import numpy as np
import piano_data_helpers  # noqa: F401 (puts datasets/ on sys.path)
import pytest
from etils import epath

from keras_ada.datasets.piano_dataset import audio_files
from keras_ada.datasets.piano_dataset import (
    piano_dataset_dataset_builder as builder_module,
)
from keras_ada.datasets.piano_dataset import scores
from keras_ada.datasets.piano_dataset import synthesis


def _score():
    """Two parts at 60 qpm: a tied C4 (2 + 1 beats), a grace note, a forte chord."""
    upper = music21.stream.Part()
    upper.append(music21.tempo.MetronomeMark(number=60))
    first, second = (
        music21.note.Note("C4", quarterLength=2),
        music21.note.Note("C4", quarterLength=1),
    )
    first.tie, second.tie = music21.tie.Tie("start"), music21.tie.Tie("stop")
    upper.append([first, second])
    upper.append(music21.note.Note("D4", quarterLength=1).getGrace())
    upper.append(music21.dynamics.Dynamic("f"))
    upper.append(music21.chord.Chord(["E4", "G4"], quarterLength=1))
    lower = music21.stream.Part([music21.note.Note("C3", quarterLength=4)])
    return music21.stream.Score([upper, lower])


def test_score_notes():
    notes = scores.score_notes(_score(), default_qpm=120)
    assert notes.pitch.tolist() == [48, 60, 64, 67]
    np.testing.assert_allclose(notes.onset, [0, 0, 3, 3])
    # Legato: 95% of the written duration, at the score's 60 qpm.
    np.testing.assert_allclose(notes.offset, [3.8, 2.85, 3.95, 3.95])
    assert notes.velocity.tolist() == [80, 80, 93, 93]


def test_default_tempo_without_metronome_marks():
    part = music21.stream.Part(
        [music21.note.Note("A4", quarterLength=2) for _ in range(2)]
    )
    notes = scores.score_notes(music21.stream.Score([part]), default_qpm=120)
    np.testing.assert_allclose(notes.onset, [0.0, 1.0])


def test_humanise_is_seeded_and_light():
    notes = scores.score_notes(_score(), default_qpm=120)
    first, again = scores.humanise(notes, seed=1), scores.humanise(notes, seed=1)
    np.testing.assert_array_equal(first.onset, again.onset)
    assert not np.array_equal(first.onset, scores.humanise(notes, seed=2).onset)
    assert np.all(np.abs(first.onset - notes.onset) < 0.02 + 0.04 * notes.onset)
    assert np.all((1 <= first.velocity) & (first.velocity <= 127))


def test_unisons_are_struck_once():
    notes = scores.Notes(
        onset=np.array([0.0, 0.01, 1.0]),
        offset=np.array([2.0, 0.5, 1.5]),
        pitch=np.array([60, 60, 60]),
        velocity=np.array([70, 90, 80]),
    )
    played = scores.humanise(notes, seed=0)
    assert len(played) == 2
    assert played.velocity[0] >= 85
    assert played.offset[0] <= played.onset[1]


def test_repertoire_is_unique_and_in_the_corpus():
    text = (epath.Path(builder_module.__file__).parent / "repertoire.tsv").read_text()
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    paths = [row["path"] for row in rows]
    assert len(paths) == len(set(paths))
    corpus = os.path.dirname(music21.corpus.__file__)
    assert all(os.path.exists(os.path.join(corpus, path)) for path in paths)
    assert all(row["composer"] and row["title"] for row in rows)
    assert 5 <= sum(row["mini"] == "1" for row in rows) < 20


def test_split_order_is_stable():
    assert builder_module.split_order("bach/bwv66.6.mxl").hex()[:8] == "ec367a76"


def test_metadata_csv(tmp_path):
    (tmp_path / "Chopin").mkdir()
    for name in ["Chopin/a.wav", "b.flac", "c.txt"]:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "metadata.csv").write_text(
        "path,composer,title,year\nb.flac,Clara Schumann,Romance,1853\n"
        "missing.wav,X,Y,0\n"
    )
    recordings, ignored = audio_files.find_recordings(epath.Path(tmp_path))
    found = {r.id: (r.composer, r.title) for r in recordings}
    assert found == {
        "Chopin/a.wav": ("Chopin", "a"),
        "b.flac": ("Clara Schumann", "Romance"),
    }
    assert [path.name for path in ignored] == ["c.txt"]
    (tmp_path / "metadata.csv").write_text("file,composer\nb.flac,X\n")
    with pytest.raises(ValueError, match="`path` column"):
        audio_files.find_recordings(epath.Path(tmp_path))


@pytest.mark.skipif(not synthesis.is_available(), reason=synthesis.INSTALL_HINT)
def test_render():
    notes = scores.humanise(scores.score_notes(_score(), default_qpm=120), seed=0)
    audio = synthesis.render(notes, synthesis.soundfont_path())
    np.testing.assert_array_equal(
        audio, synthesis.render(notes, synthesis.soundfont_path())
    )
    assert audio.dtype == np.int16
    assert np.abs(audio).max() == round(32767 * 10 ** (-1 / 20))
    # The last note-off is at about 3.95 s; then the release and reverb tail.
    assert 3.9 * 16000 < len(audio) < 7.0 * 16000
