import numpy as np
import pytest
from keras import ops

from keras_ada.sampling.condition_rows import ConditionRows


def biases(rows, channels=3, batch_size=2):
    values = np.arange(batch_size * rows * channels, dtype="float32")
    return values.reshape(batch_size, rows, channels) + 1


def test_rows_past_the_end_are_zeros():
    table = biases(5)
    rows = ConditionRows(table, 2, 10, 2, 3, "float32")
    np.testing.assert_array_equal(rows(1, 3), table[:, 1:4])
    tail = rows(3, 4)
    assert tail.shape == (2, 4, 3)
    np.testing.assert_array_equal(tail[:, :2], table[:, 3:5])
    np.testing.assert_array_equal(tail[:, 2:], 0)


def test_a_function_is_asked_for_one_count_and_padded():
    table = biases(7)
    asked = []

    def condition(first, count):
        asked.append(count)
        return table[:, first : first + count]

    rows = ConditionRows(condition, 2, 7, 1, 3, "float32")
    chunks = [rows(first, 3) for first in range(0, 7, 3)]
    assert asked == [3, 3, 3]
    assert {chunk.shape for chunk in chunks} == {(2, 3, 3)}
    np.testing.assert_array_equal(np.concatenate(chunks, axis=1)[:, :7], table)
    np.testing.assert_array_equal(chunks[-1][:, 1:], 0)
    tensor = rows.tensor(0, 3)
    assert ops.convert_to_numpy(tensor).dtype == np.float32


@pytest.mark.parametrize(
    "condition",
    [
        biases(4),  # one row short of ceil(10 / 2)
        lambda first, count: biases(20)[:, first : first + count + 1],
        lambda first, count: biases(20, channels=2)[:, first : first + count],
    ],
)
def test_wrong_shapes_are_reported(condition):
    with pytest.raises(ValueError, match="condition"):
        ConditionRows(condition, 2, 10, 2, 3, "float32")(0, 3)
