import os

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops
from keras.src import testing

from keras_ada.layers import MatmulConv1D

CASES = [
    (padding, kernel_size, dilation_rate)
    for padding in ("causal", "same", "valid")
    for kernel_size in (1, 2, 3)
    for dilation_rate in (1, 4)
]


def _reference_and_matmul(padding, kernel_size, dilation_rate, use_bias=True):
    """A `Conv1D` and a `MatmulConv1D` with the same configuration and weights."""
    options = dict(
        filters=5,
        kernel_size=kernel_size,
        dilation_rate=dilation_rate,
        padding=padding,
        use_bias=use_bias,
        bias_initializer="random_normal",
    )
    reference = keras.layers.Conv1D(**options)
    matmul = MatmulConv1D(**options)
    reference.build((None, None, 3))
    matmul.build((None, None, 3))
    matmul.set_weights(reference.get_weights())
    return reference, matmul


class MatmulConv1DTest(testing.TestCase, parameterized.TestCase):
    def test_layer_basics(self):
        self.run_layer_test(
            MatmulConv1D,
            init_kwargs={
                "filters": 4,
                "kernel_size": 2,
                "dilation_rate": 2,
                "padding": "causal",
            },
            input_shape=(2, 10, 3),
            expected_output_shape=(2, 10, 4),
            expected_num_trainable_weights=2,
        )

    @parameterized.parameters(CASES)
    def test_matches_conv1d(self, padding, kernel_size, dilation_rate):
        reference, matmul = _reference_and_matmul(padding, kernel_size, dilation_rate)
        inputs = np.random.default_rng(0).normal(size=(2, 17, 3)).astype("float32")
        expected = reference(inputs)
        self.assertAllClose(matmul.matmul_call(inputs), expected, atol=1e-5)
        self.assertAllClose(matmul(inputs), expected, atol=1e-5)

    def test_gradients_match_conv1d(self):
        reference, matmul = _reference_and_matmul("causal", 3, 2)
        inputs = np.random.default_rng(1).normal(size=(2, 12, 3)).astype("float32")
        targets = np.random.default_rng(2).normal(size=(2, 12, 5)).astype("float32")
        gradients = []
        for layer in (reference, matmul):
            model = keras.Sequential([keras.Input((12, 3)), layer])
            model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
            before = [ops.convert_to_numpy(w) for w in layer.weights]
            model.train_on_batch(inputs, targets)
            after = [ops.convert_to_numpy(w) for w in layer.weights]
            gradients.append([b - a for b, a in zip(before, after)])
        for expected, actual in zip(*gradients):
            self.assertAllClose(actual, expected, atol=1e-5)

    def test_without_bias(self):
        reference, matmul = _reference_and_matmul("same", 3, 1, use_bias=False)
        inputs = np.random.default_rng(3).normal(size=(1, 9, 3)).astype("float32")
        self.assertAllClose(matmul.matmul_call(inputs), reference(inputs), atol=1e-5)

    def test_weights_keep_conv1d_shape_and_names(self):
        _, matmul = _reference_and_matmul("causal", 2, 1)
        self.assertEqual(tuple(matmul.kernel.shape), (2, 3, 5))
        self.assertEqual(
            [w.path.split("/")[-1] for w in matmul.weights], ["kernel", "bias"]
        )

    def test_strided_convolution_falls_back_to_conv1d(self):
        options = dict(filters=4, kernel_size=3, strides=2, padding="valid")
        reference, matmul = keras.layers.Conv1D(**options), MatmulConv1D(**options)
        inputs = np.random.default_rng(4).normal(size=(1, 11, 3)).astype("float32")
        reference(inputs)
        matmul(inputs[:, :3])
        matmul.set_weights(reference.get_weights())
        self.assertAllClose(matmul(inputs), reference(inputs), atol=1e-5)
        with self.assertRaisesRegex(ValueError, "strides"):
            matmul.matmul_call(inputs)

    def test_keras_file_round_trip(self):
        inputs = keras.Input((None, 3))
        outputs = MatmulConv1D(4, 2, dilation_rate=2, padding="causal")(inputs)
        model = keras.Model(inputs, outputs)
        data = np.random.default_rng(5).normal(size=(2, 10, 3)).astype("float32")
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
        self.assertIsInstance(loaded.layers[-1], MatmulConv1D)
        self.assertAllClose(loaded(data), model(data), atol=1e-6)

    def test_loads_weights_saved_from_conv1d(self):
        """A model holding a `Conv1D` saves weights that load into `MatmulConv1D`."""
        data = np.random.default_rng(6).normal(size=(2, 10, 3)).astype("float32")
        saved = _ConvHolder(keras.layers.Conv1D)
        saved(data)
        path = os.path.join(self.get_temp_dir(), "conv.weights.h5")
        saved.save_weights(path)
        loaded = _ConvHolder(MatmulConv1D)
        loaded(data)
        loaded.load_weights(path)
        self.assertAllClose(loaded(data), saved(data), atol=1e-6)


class _ConvHolder(keras.Model):
    """A model whose convolution is an attribute, as in the library's layers."""

    def __init__(self, conv_class):
        super().__init__()
        self.conv = conv_class(5, 2, padding="causal", bias_initializer="ones")

    def call(self, inputs):
        return self.conv(inputs)
