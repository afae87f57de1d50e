import numpy as np
import pytest
from keras import ops
from keras.src import testing
from tensor_checks import assert_allclose

from keras_ada.layers import InputRepresentation


class InputRepresentationTest(testing.TestCase):
    def test_embedding_layer_basics(self):
        self.run_layer_test(
            InputRepresentation,
            init_kwargs={
                "num_classes": 16,
                "input_format": "embedding",
                "embedding_dim": 5,
            },
            input_data=np.array([[1, 2, 3]], "int32"),
            expected_output_shape=(1, 3, 5),
            expected_num_trainable_weights=1,
            run_training_check=False,
        )

    def test_continuous_and_one_hot(self):
        classes = np.array([[0, 128, 255]])
        continuous = InputRepresentation(256, "continuous")(classes)
        self.assertAllClose(ops.squeeze(continuous, -1), [[-1.0, 128 / 127.5 - 1, 1.0]])
        one_hot = ops.convert_to_numpy(InputRepresentation(256, "one_hot")(classes))
        self.assertEqual(one_hot.shape, (1, 3, 256))
        np.testing.assert_array_equal(one_hot.argmax(-1), classes)


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(ValueError, match="one_hot"):
        InputRepresentation(256, "wavelet")


def test_embedding_needs_a_size():
    with pytest.raises(ValueError, match="embedding_dim=None"):
        InputRepresentation(256, "embedding")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input_format="continuous"),
        dict(input_format="one_hot"),
        dict(input_format="embedding", embedding_dim=3),
    ],
)
def test_step_is_one_time_step_of_the_sequence(kwargs):
    layer = InputRepresentation(16, **kwargs)
    classes = np.array([[0, 5, 15], [3, 3, 9]], "int32")
    sequence = ops.convert_to_numpy(layer(classes))
    assert_allclose(layer.step(classes[:, 1]), sequence[:, 1])
