"""Tests of `VectorQuantiser(restart_unused=...)`: restarts of unused codes."""

import warnings

import keras
import numpy as np
from keras import ops
from keras.src import testing
from test_vector_quantiser import data_parallel
from test_vector_quantiser import numpy_ema_step
from test_vector_quantiser import replica_values

from keras_ada.layers.vector_quantiser import VectorQuantiser

# Four examples of three 2-D queries: codes 0-2 are used, code 3 never is.
QUERIES = np.array(
    [
        [[1.0, 0.0], [1.2, 0.0], [0.1, 0.1]],
        [[0.9, 0.1], [0.0, 0.2], [1.0, 0.0]],
        [[0.0, 1.0], [0.0, 1.1], [1.1, 0.1]],
        [[0.1, 0.9], [0.0, 0.9], [0.2, 0.1]],
    ],
    dtype="float32",
)
INITIAL = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [5.0, 5.0]], "float32")
FREQUENCY = np.array([0.33, 0.33, 0.33, 0.01], "float32")
ALPHA = 0.5


def quantiser_model(restart_unused=0.2):
    layer = VectorQuantiser(
        num_codes=4, code_dim=2, alpha=ALPHA, restart_unused=restart_unused
    )
    model = keras.Sequential([keras.Input((3, 2)), layer])
    layer.codebook.assign(INITIAL)
    layer.cluster_frequency.assign(FREQUENCY)
    model.compile(optimizer="sgd", loss="mse")
    return model, layer


def train_step(model):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The model does not have any trainable")
        model.fit(QUERIES, QUERIES, batch_size=4, epochs=1, shuffle=False, verbose=0)


def numpy_value(variable):
    return ops.convert_to_numpy(variable)


class CodebookRestartTest(testing.TestCase):
    def test_unused_code_restarts_from_a_batch_query(self):
        model, layer = quantiser_model()
        train_step(model)
        # The rule's row for code 3 of a batch of 12 queries: 3 * 7919 mod 12.
        expected = QUERIES.reshape(-1, 2)[3 * 7919 % 12]
        self.assertAllClose(numpy_value(layer.codebook)[3], expected)
        self.assertAllClose(numpy_value(layer.restart_count), 1.0)
        frequency = numpy_value(layer.cluster_frequency)
        self.assertAllClose(frequency.sum(), 1.0, atol=1e-6)
        self.assertGreater(frequency[3], 0.2)

    def test_off_by_default(self):
        layer = VectorQuantiser(num_codes=4, code_dim=2)
        layer.build((None, 2))
        self.assertIsNone(layer.restart_unused)
        self.assertLen(layer.weights, 2)

    def test_restart_survives_the_next_update(self):
        for num_replicas in (1, 2):
            with self.subTest(replicas=num_replicas):
                self.check_restart_survives_the_next_update(num_replicas)

    def check_restart_survives_the_next_update(self, num_replicas):
        with data_parallel(self, num_replicas):
            model, layer = quantiser_model()
            train_step(model)
            codebook = numpy_value(layer.codebook)
            frequency = numpy_value(layer.cluster_frequency)
            train_step(model)
        self.assertNotAllClose(codebook[3], INITIAL[3])
        # The next update starts from the restarted statistics: it neither
        # pulls the code back to its old value nor restarts it again.
        expected, expected_frequency = numpy_ema_step(
            QUERIES, codebook, frequency, ALPHA, 1e-5
        )
        for name, value in (
            ("codebook", expected),
            ("cluster_frequency", expected_frequency),
            ("restart_count", 1.0),
        ):
            replicas = replica_values(getattr(layer, name))
            self.assertLen(replicas, num_replicas)
            for replica in replicas:
                self.assertAllClose(replica, value, atol=1e-5)

    def test_config_and_invalid_threshold(self):
        layer = VectorQuantiser(num_codes=4, code_dim=2, restart_unused=0.1)
        restored = VectorQuantiser.from_config(layer.get_config())
        self.assertEqual(restored.restart_unused, 0.1)
        with self.assertRaisesRegex(ValueError, "restart_unused"):
            VectorQuantiser(num_codes=4, code_dim=2, restart_unused=0.0)
