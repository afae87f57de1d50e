"""Figure 2's drawing and the sentences that say whether the paper's findings hold."""

import pytest

from keras_ada.report.profiles import audio_finding
from keras_ada.report.profiles import codes_finding
from keras_ada.report.profiles import draw_profiles


def profile(nlls):
    return [{"r": r, "nll": nll} for r, nll in zip([0, 1, 2, 4, 8], nlls)]


AUDIO = profile([5.2, 3.9, 3.7, 3.62, 3.61])
CODES = profile([5.4, 5.3, 5.25, 5.2, 5.0])


def test_audio_finding_holds_when_the_first_step_gives_most_of_the_gain():
    holds, sentence = audio_finding(AUDIO)
    assert holds and "most of what helps" in sentence
    holds, sentence = audio_finding(profile([5.2, 5.0, 4.6, 4.0, 3.6]))
    assert not holds and "not most" in sentence


def test_codes_finding_counts_the_contexts_where_codes_are_harder():
    holds, sentence = codes_finding(AUDIO, CODES, rf_codes=4)
    assert holds and "4 of 4" in sentence
    assert "within the encoder's receptive field" in sentence
    holds, sentence = codes_finding(AUDIO, profile([4.3, 4.0, 3.8, 3.6, 3.6]), 4)
    assert not holds and "not harder" in sentence and "2 of 4" in sentence


@pytest.mark.parametrize("perplexity", [60.0, 227.0])
def test_draw_profiles_writes_a_png(tmp_path, perplexity):
    results = {
        "waveform": AUDIO,
        "codes": CODES,
        "encoder_rf_codes": 4,
        "codebook_perplexity": perplexity,
        "num_codes": 256,
    }
    path = tmp_path / "figure2.png"
    draw_profiles(results, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
