import numpy as np
import pytest

from keras_ada.evaluation import per_second_perplexity
from keras_ada.layers import codebook_perplexity


def test_per_second_perplexity_of_a_known_sequence():
    # Second 1 uses codes 0..3 equally (perplexity 4), second 2 one code (1),
    # the remainder (shorter than a second) is dropped.
    codes = np.array([[0, 1, 2, 3, 5, 5, 5, 5, 7, 7]])
    assert per_second_perplexity(codes, 8, codes_per_second=4) == pytest.approx(2.5)
    # Pooled over all codes: usage 1/10 x4, 4/10, 2/10.
    usage = np.array([0.1] * 4 + [0.4, 0.2])
    expected = np.exp(-np.sum(usage * np.log(usage)))
    assert float(codebook_perplexity(codes, 8)) == pytest.approx(expected)


def test_per_second_is_below_pooled_when_seconds_differ():
    codes = np.repeat(np.arange(16), 10)[None]
    assert per_second_perplexity(codes, 16, 10) == pytest.approx(1.0)
    assert float(codebook_perplexity(codes, 16)) == pytest.approx(16.0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="codes_per_second"):
        per_second_perplexity([[0, 1]], 4, codes_per_second=0)
    with pytest.raises(ValueError, match="one second"):
        per_second_perplexity([[0, 1]], 4, codes_per_second=3)
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        per_second_perplexity([[0, 9]], 4, codes_per_second=2)
