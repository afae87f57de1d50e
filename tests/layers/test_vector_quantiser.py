"""Tests of `VectorQuantiser`, and of the behaviour both quantisers share."""

import contextlib
import warnings

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops
from keras.src import testing
from tensor_checks import input_gradient

from keras_ada.layers.argmax_quantiser import ArgmaxQuantiser
from keras_ada.layers.perplexity import codebook_perplexity
from keras_ada.layers.vector_quantiser import VectorQuantiser

QUANTISERS = (
    ("vector", VectorQuantiser, {"num_codes": 8, "code_dim": 4, "seed": 1}),
    ("argmax_relu", ArgmaxQuantiser, {"num_codes": 5}),
    ("argmax_softmax", ArgmaxQuantiser, {"num_codes": 5, "projection": "softmax"}),
)


def random_queries(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def numpy_codes(queries, codebook):
    distances = ((queries[..., None, :] - codebook) ** 2).sum(-1)
    return distances.argmin(-1)


def numpy_ema_step(queries, codebook, frequency, alpha, epsilon):
    """One exponentially smoothed K-means step of the unsmoothed-sum form."""
    queries = queries.reshape(-1, codebook.shape[1]).astype("float64")
    encodings = np.eye(len(codebook))[numpy_codes(queries, codebook)]
    batch_frequency = encodings.mean(0)
    batch_sum = encodings.T @ queries / len(queries)
    frequency = (1 - alpha) * frequency + alpha * batch_frequency
    smoothed = (frequency + epsilon) / (1 + len(codebook) * epsilon)
    step = batch_sum - batch_frequency[:, None] * codebook
    return codebook + alpha * step / smoothed[:, None], frequency


def fit_on_repeated_batch(layer, x, steps):
    """Trains `layer` alone with `fit` for `steps` steps on the batch `x`."""
    model = keras.Sequential([keras.Input(x.shape[1:]), layer])
    model.compile(optimizer="sgd", loss="mse")
    repeated = np.concatenate([x] * steps)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The model does not have any trainable")
        model.fit(repeated, repeated, batch_size=len(x), shuffle=False, verbose=0)


@contextlib.contextmanager
def data_parallel(test, num_replicas):
    """Data-parallel training over `num_replicas` CPU devices.

    TensorFlow: a `MirroredStrategy` scope; JAX: a `DataParallel`
    distribution. The test set-up splits the CPU into two devices. Keras has
    no data-parallel distribution for torch.
    """
    if keras.backend.backend() == "torch":
        if num_replicas > 1:
            test.skipTest("Keras has no data-parallel distribution for torch.")
        yield
        return
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
        if len(devices) < num_replicas:
            test.skipTest(f"Needs {num_replicas} logical CPU devices.")
        strategy = tf.distribute.get_strategy()
        if num_replicas > 1:
            strategy = tf.distribute.MirroredStrategy(devices[:num_replicas])
        with strategy.scope():
            yield
        return
    import jax

    devices = jax.devices("cpu")
    if len(devices) < num_replicas:
        test.skipTest(f"Needs {num_replicas} CPU devices.")
    distribution = keras.distribution.DataParallel(devices=devices[:num_replicas])
    keras.distribution.set_distribution(distribution)
    try:
        yield
    finally:
        keras.distribution.set_distribution(None)


def replica_values(variable):
    """The copies of `variable` on every replica (one without a strategy)."""
    value = variable.value
    backend = keras.backend.backend()
    if backend == "tensorflow" and hasattr(value, "values"):  # A mirrored variable.
        return [np.asarray(copy) for copy in value.values]
    if hasattr(value, "addressable_shards"):  # A (replicated) JAX array.
        return [np.asarray(shard.data) for shard in value.addressable_shards]
    return [ops.convert_to_numpy(value)]


class QuantiserContractTest(testing.TestCase):
    """Behaviour shared by `VectorQuantiser` and `ArgmaxQuantiser`."""

    def inputs(self, layer):
        return random_queries((2, 5, layer.code_dim))

    @parameterized.named_parameters(*QUANTISERS)
    def test_codes_shape_dtype_and_decode(self, cls, kwargs):
        layer = cls(**kwargs)
        x = self.inputs(layer)
        quantised, codes = layer(x, return_codes=True)
        self.assertEqual(tuple(quantised.shape), x.shape)
        self.assertEqual(tuple(codes.shape), x.shape[:-1])
        self.assertEqual(keras.backend.standardize_dtype(codes.dtype), "int32")
        self.assertAllClose(layer.encode(x), codes)
        self.assertAllClose(layer.decode(codes), quantised)
        self.assertAllClose(layer(x), quantised)

    @parameterized.named_parameters(*QUANTISERS)
    def test_straight_through_gradient_is_identity(self, cls, kwargs):
        layer = cls(**kwargs)
        x = self.inputs(layer)
        weights = np.random.default_rng(1).normal(size=x.shape).astype("float32")
        if cls is VectorQuantiser:
            expected = weights
        else:
            # The gradient reaches the projected query: chain through the
            # projection only.
            expected = input_gradient(
                lambda v: ops.sum(ops.multiply(layer.project(v), weights)), x
            )
        gradient = input_gradient(lambda v: ops.sum(ops.multiply(layer(v), weights)), x)
        self.assertAllClose(gradient, expected, atol=1e-6)

    @parameterized.named_parameters(*QUANTISERS)
    def test_save_and_load_give_identical_outputs(self, cls, kwargs):
        layer = cls(**kwargs)
        x = self.inputs(layer)
        model = keras.Sequential([keras.Input(x.shape[1:]), layer])
        for _ in range(3):
            layer(x, training=True)
        path = self.get_temp_dir() + "/quantiser.keras"
        model.save(path)
        restored = keras.saving.load_model(path)
        self.assertAllClose(restored.predict(x, verbose=0), model.predict(x, verbose=0))
        self.assertEqual(restored.layers[0].get_config(), layer.get_config())
        for saved, loaded in zip(layer.weights, restored.layers[0].weights):
            self.assertAllClose(saved, loaded)

    @parameterized.named_parameters(*QUANTISERS)
    def test_mixed_precision_quantises_in_float32(self, cls, kwargs):
        layer = cls(**kwargs, dtype="mixed_float16")
        reference = cls(**kwargs)
        x = self.inputs(layer)
        quantised, codes = layer(x, return_codes=True)
        self.assertEqual(keras.backend.standardize_dtype(quantised.dtype), "float16")
        reference.build(x.shape)
        reference.set_weights(layer.get_weights())
        self.assertAllClose(codes, reference.encode(x.astype("float16")))
        for weight in layer.weights:
            self.assertEqual(weight.dtype, "float32")

    @parameterized.named_parameters(*QUANTISERS)
    def test_one_loss_per_call(self, cls, kwargs):
        layer = cls(**kwargs)
        x = self.inputs(layer)
        layer(x)
        layer(x)
        self.assertLen(layer.losses, 1)


class VectorQuantiserTest(testing.TestCase):
    def test_layer_basics(self):
        self.run_layer_test(
            VectorQuantiser,
            init_kwargs={"num_codes": 8, "code_dim": 4, "alpha": 0.1, "seed": 3},
            input_shape=(2, 5, 4),
            expected_output_shape=(2, 5, 4),
            expected_output_dtype="float32",
            expected_num_trainable_weights=0,
            expected_num_non_trainable_weights=2,
            expected_num_losses=1,
            supports_masking=False,
        )

    def test_layer_basics_with_codes(self):
        self.run_layer_test(
            VectorQuantiser,
            init_kwargs={"num_codes": 8, "code_dim": 4},
            input_shape=(2, 5, 4),
            call_kwargs={"return_codes": True},
            expected_output_shape=((2, 5, 4), (2, 5)),
            expected_output_dtype=("float32", "int32"),
            run_training_check=False,
        )

    def test_weights(self):
        layer = VectorQuantiser(num_codes=8, code_dim=4, seed=0)
        layer.build((None, None, 4))
        self.assertEqual(layer.codebook.path.split("/")[-1], "codebook")
        self.assertEqual(tuple(layer.codebook.shape), (8, 4))
        self.assertEqual(layer.codebook.dtype, "float32")
        self.assertFalse(layer.codebook.trainable)
        self.assertEmpty(layer.trainable_weights)
        self.assertAllClose(layer.cluster_frequency, np.full(8, 1 / 8))
        same_seed = VectorQuantiser(num_codes=8, code_dim=4, seed=0)
        same_seed.build((None, None, 4))
        self.assertAllClose(same_seed.codebook, layer.codebook)

    @parameterized.named_parameters(
        ("num_codes", {"num_codes": 0}, "num_codes=0"),
        ("num_codes_float", {"num_codes": 2.5}, "num_codes=2.5"),
        ("code_dim", {"code_dim": -1}, "code_dim=-1"),
        ("alpha_zero", {"alpha": 0.0}, "alpha=0.0"),
        ("alpha_large", {"alpha": 1.5}, "alpha=1.5"),
        ("beta", {"beta": -0.1}, "beta=-0.1"),
        ("epsilon", {"epsilon": 0.0}, "epsilon=0.0"),
        ("seed", {"seed": "x"}, "seed=x"),
    )
    def test_invalid_arguments(self, overrides, message):
        kwargs = {"num_codes": 4, "code_dim": 2, **overrides}
        with self.assertRaisesRegex(ValueError, f"Received: {message}"):
            VectorQuantiser(**kwargs)

    def test_wrong_input_dimension(self):
        with self.assertRaisesRegex(ValueError, "expected axis -1"):
            VectorQuantiser(num_codes=4, code_dim=3)(np.zeros((1, 2, 5)))

    def test_nearest_neighbour_quantisation(self):
        layer = VectorQuantiser(num_codes=8, code_dim=4, seed=2)
        x = random_queries((2, 5, 4))
        quantised, codes = layer(x, return_codes=True)
        codebook = ops.convert_to_numpy(layer.codebook)
        expected_codes = numpy_codes(x, codebook)
        self.assertAllEqual(codes, expected_codes)
        self.assertAllClose(quantised, codebook[expected_codes])

    def test_any_number_of_leading_axes(self):
        layer = VectorQuantiser(num_codes=8, code_dim=4, seed=2)
        x = random_queries((2, 5, 1, 4))
        codes = layer.encode(x)
        self.assertAllEqual(codes, numpy_codes(x, ops.convert_to_numpy(layer.codebook)))
        layer(x, training=True)

    def test_commitment_loss(self):
        layer = VectorQuantiser(num_codes=8, code_dim=4, beta=0.7, seed=2)
        x = random_queries((2, 5, 4))
        quantised = ops.convert_to_numpy(layer(x))
        self.assertAllClose(layer.losses[0], 0.7 * np.mean((x - quantised) ** 2))

    def test_codebook_is_updated_only_in_training(self):
        layer = VectorQuantiser(num_codes=8, code_dim=4, seed=0)
        x = random_queries((2, 5, 4))
        layer(x)
        initial = [ops.convert_to_numpy(w) for w in layer.weights]
        layer(x, training=False)
        for before, weight in zip(initial, layer.weights):
            self.assertAllEqual(weight, before)
        layer.trainable = False
        layer(x, training=True)
        for before, weight in zip(initial, layer.weights):
            self.assertAllEqual(weight, before)
        layer.trainable = True
        layer(x, training=True)
        self.assertNotAllClose(layer.codebook, initial[0])

    def test_one_step_matches_numpy_reference(self):
        layer = VectorQuantiser(
            num_codes=8, code_dim=4, alpha=0.3, epsilon=1e-3, seed=1
        )
        x = random_queries((2, 5, 4))
        layer.build(x.shape)
        codebook = ops.convert_to_numpy(layer.codebook).astype("float64")
        frequency = np.full(8, 1 / 8)
        for _ in range(3):
            codebook, frequency = numpy_ema_step(x, codebook, frequency, 0.3, 1e-3)
            layer(x, training=True)
        self.assertAllClose(layer.codebook, codebook, atol=1e-5)
        self.assertAllClose(layer.cluster_frequency, frequency, atol=1e-6)
        self.assertAllClose(np.sum(frequency), 1.0)

    def test_ema_converges_to_cluster_means(self):
        rng = np.random.default_rng(7)
        centres = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 3.0]])
        labels = rng.integers(0, 3, size=(8, 16))
        x = (centres[labels] + 0.3 * rng.normal(size=(8, 16, 2))).astype("float32")
        layer = VectorQuantiser(num_codes=3, code_dim=2, alpha=0.1)
        layer.build(x.shape)
        layer.codebook.assign(centres + 0.5)
        fit_on_repeated_batch(layer, x, steps=150)
        means = [x[labels == i].mean(0) for i in range(3)]
        self.assertAllClose(layer.codebook, means, atol=1e-3)
        self.assertAllClose(
            layer.cluster_frequency, [np.mean(labels == i) for i in range(3)], atol=1e-3
        )

    def test_unused_codes_keep_their_values(self):
        x = np.random.default_rng(8).normal(size=(2, 8, 2)).astype("float32") * 0.1
        layer = VectorQuantiser(num_codes=4, code_dim=2, alpha=0.5)
        layer.build(x.shape)
        codebook = np.array(
            [[0.0, 0.0], [10.0, 10.0], [-10.0, 5.0], [1e-3, -20.0]], dtype="float32"
        )
        layer.codebook.assign(codebook)
        # After 200 steps at alpha 0.5 the frequencies of the unused codes
        # underflow to zero; their rows must still be exactly unchanged.
        fit_on_repeated_batch(layer, x, steps=200)
        self.assertAllEqual(ops.convert_to_numpy(layer.codebook)[1:], codebook[1:])
        self.assertAllClose(layer.codebook[0], x.reshape(-1, 2).mean(0), atol=1e-6)
        self.assertAllClose(layer.cluster_frequency, [1.0, 0.0, 0.0, 0.0])

    def test_fit_updates_codebook_without_gradient(self):
        x = random_queries((2, 5, 4))
        model = keras.Sequential(
            [
                keras.Input((5, 4)),
                keras.layers.Dense(4),
                VectorQuantiser(num_codes=8, code_dim=4, alpha=0.2, seed=0),
            ]
        )
        model.compile(optimizer="sgd", loss="mse")
        quantiser = model.layers[-1]
        before = ops.convert_to_numpy(quantiser.codebook)
        encoded = ops.convert_to_numpy(model.layers[0](x))
        expected, _ = numpy_ema_step(encoded, before, np.full(8, 1 / 8), 0.2, 1e-5)
        model.fit(x, x, batch_size=2, epochs=1, shuffle=False, verbose=0)
        self.assertLen(model.trainable_weights, 2)
        self.assertAllClose(quantiser.codebook, expected, atol=1e-5)

    def test_two_replicas_match_one_replica(self):
        # Replica 0 sees examples 0-1 and replica 1 examples 2-3: code 0 is
        # used by both, code 1 by replica 1 only, code 2 by replica 0 mostly
        # and code 3 by none.
        x = np.array(
            [
                [[1.0, 0.0], [1.2, 0.0], [0.1, 0.1]],
                [[0.9, 0.1], [0.0, 0.2], [1.0, 0.0]],
                [[0.0, 1.0], [0.0, 1.1], [1.1, 0.1]],
                [[0.1, 0.9], [0.0, 0.9], [0.2, 0.1]],
            ],
            dtype="float32",
        )
        initial = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [5.0, 5.0]])

        def train_one_step(num_replicas):
            with data_parallel(self, num_replicas):
                layer = VectorQuantiser(num_codes=4, code_dim=2, alpha=0.5)
                model = keras.Sequential([keras.Input((3, 2)), layer])
                layer.codebook.assign(initial)
                model.compile(optimizer="sgd", loss="mse")
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "The model does not have any")
                    model.fit(x, x, batch_size=4, epochs=1, shuffle=False, verbose=0)
            return layer

        single = train_one_step(1)
        replicated = train_one_step(2)
        expected, frequency = numpy_ema_step(x, initial, np.full(4, 0.25), 0.5, 1e-5)
        self.assertAllClose(single.codebook, expected, atol=1e-6)
        self.assertAllClose(single.cluster_frequency, frequency, atol=1e-6)
        for name in ("codebook", "cluster_frequency"):
            replicas = replica_values(getattr(replicated, name))
            self.assertLen(replicas, 2)
            for replica in replicas:
                self.assertAllClose(replica, getattr(single, name), atol=1e-6)


class CodebookPerplexityTest(testing.TestCase):
    def test_uniform_usage(self):
        codes = np.arange(12).reshape(3, 4) % 6
        self.assertAllClose(codebook_perplexity(codes, num_codes=6), 6.0)

    def test_single_code(self):
        self.assertAllClose(codebook_perplexity(np.full((2, 9), 3), num_codes=8), 1.0)

    def test_matches_numpy(self):
        codes = np.array([0, 0, 1, 2, 2, 2, 7])
        usage = np.bincount(codes, minlength=8) / len(codes)
        usage = usage[usage > 0]
        expected = np.exp(-np.sum(usage * np.log(usage)))
        self.assertAllClose(codebook_perplexity(codes, num_codes=8), expected)

    def test_invalid_num_codes(self):
        with self.assertRaisesRegex(ValueError, "Received: num_codes=0"):
            codebook_perplexity(np.zeros(3, "int32"), num_codes=0)
