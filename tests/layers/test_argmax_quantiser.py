"""Tests of `ArgmaxQuantiser` (the behaviour shared with `VectorQuantiser` is
tested, for both classes, in `test_vector_quantiser.py`)."""

import numpy as np
from absl.testing import parameterized
from keras.src import testing
from tensor_checks import input_gradient

from keras_ada.layers.argmax_quantiser import ArgmaxQuantiser


def numpy_project(x, projection, epsilon=1e-6):
    if projection == "softmax":
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    positive = np.maximum(x, 0.0)
    return positive / (positive.sum(-1, keepdims=True) + epsilon)


class ArgmaxQuantiserTest(testing.TestCase):
    @parameterized.parameters("relu", "softmax")
    def test_layer_basics(self, projection):
        self.run_layer_test(
            ArgmaxQuantiser,
            init_kwargs={"num_codes": 6, "projection": projection},
            input_shape=(2, 5, 6),
            expected_output_shape=(2, 5, 6),
            expected_output_dtype="float32",
            expected_num_trainable_weights=0,
            expected_num_non_trainable_weights=0,
            expected_num_losses=1,
            supports_masking=False,
        )

    def test_layer_basics_with_codes(self):
        self.run_layer_test(
            ArgmaxQuantiser,
            init_kwargs={"num_codes": 6},
            input_shape=(2, 5, 6),
            call_kwargs={"return_codes": True},
            expected_output_shape=((2, 5, 6), (2, 5)),
            expected_output_dtype=("float32", "int32"),
            run_training_check=False,
        )

    @parameterized.named_parameters(
        ("num_codes", {"num_codes": 1}, "num_codes=1"),
        ("num_codes_float", {"num_codes": 4.0}, "num_codes=4.0"),
        ("nu", {"nu": -1.0}, "nu=-1.0"),
        ("diversity", {"diversity": "hard"}, "diversity='hard'"),
        ("projection", {"projection": "sigmoid"}, "projection='sigmoid'"),
        ("epsilon", {"epsilon": -1e-6}, "epsilon=-1e-06"),
    )
    def test_invalid_arguments(self, overrides, message):
        kwargs = {"num_codes": 4, **overrides}
        with self.assertRaisesRegex(ValueError, f"Received: {message}"):
            ArgmaxQuantiser(**kwargs)

    def test_wrong_input_dimension(self):
        with self.assertRaisesRegex(ValueError, "expected axis -1"):
            ArgmaxQuantiser(num_codes=4)(np.zeros((1, 2, 5)))

    @parameterized.parameters("relu", "softmax")
    def test_projection_and_argmax(self, projection):
        layer = ArgmaxQuantiser(num_codes=7, projection=projection)
        x = np.random.default_rng(0).normal(size=(3, 4, 7)).astype("float32")
        projected = numpy_project(x, projection)
        self.assertAllClose(layer.project(x), projected)
        self.assertAllClose(np.sum(projected, -1), np.ones((3, 4)), atol=1e-5)
        quantised, codes = layer(x, return_codes=True)
        self.assertAllEqual(codes, x.argmax(-1))
        self.assertAllClose(quantised, np.eye(7)[x.argmax(-1)])
        self.assertAllClose(layer.decode(codes), np.eye(7)[x.argmax(-1)])

    def test_all_negative_query_stays_finite(self):
        layer = ArgmaxQuantiser(num_codes=3)
        quantised = layer(-np.ones((1, 2, 3), "float32"))
        self.assertAllClose(quantised, [[[1.0, 0.0, 0.0]] * 2])
        self.assertAllClose(layer.losses[0], 0.1 * 3.0)

    @parameterized.parameters("relu", "softmax")
    def test_diversity_loss_matches_numpy(self, projection):
        layer = ArgmaxQuantiser(num_codes=5, nu=0.3, projection=projection)
        x = np.random.default_rng(1).normal(size=(2, 6, 5)).astype("float32")
        layer(x)
        mean_query = numpy_project(x, projection).reshape(-1, 5).mean(0)
        if projection == "softmax":
            expected = 0.3 * np.sum(mean_query * np.log(mean_query))
        else:
            expected = 0.3 * np.sum((5 * mean_query - 1) ** 2)
        self.assertAllClose(layer.losses[0], expected, atol=1e-6)

    def test_diversity_loss_of_uniform_and_collapsed_usage(self):
        k = 4
        uniform = np.tile(np.eye(k, dtype="float32") * 10.0, (2, 1, 1))
        collapsed = np.zeros((2, k, k), "float32")
        collapsed[..., 0] = 10.0

        relu = ArgmaxQuantiser(num_codes=k, nu=0.1)
        relu(uniform)
        self.assertAllClose(relu.losses[0], 0.0, atol=1e-5)
        relu(collapsed)
        # q_bar = (1, 0, ..., 0): (k - 1)^2 + (k - 1) * 1.
        self.assertAllClose(relu.losses[0], 0.1 * ((k - 1) ** 2 + (k - 1)), atol=1e-4)

        softmax = ArgmaxQuantiser(num_codes=k, nu=0.1, projection="softmax")
        softmax(uniform)
        # The smallest value of -H is -log(k), reached by uniform usage.
        self.assertAllClose(softmax.losses[0], -0.1 * np.log(k), atol=1e-4)
        softmax(collapsed)
        self.assertAllClose(softmax.losses[0], 0.0, atol=1e-3)

    def test_the_diversity_loss_on_the_codes_sees_a_flat_projection_collapse(self):
        # Every query nearly flat, with its largest component on code 0.
        flat = np.ones((2, 8, 4), "float32")
        flat[..., 0] += 0.01
        projected = ArgmaxQuantiser(num_codes=4, nu=0.1)
        projected(flat)
        self.assertAllClose(projected.losses[0], 0.0, atol=1e-3)
        codes = ArgmaxQuantiser(num_codes=4, nu=0.1, diversity="codes")
        codes(flat)
        # Codes used (1, 0, 0, 0): (k - 1)^2 + (k - 1) * 1.
        self.assertAllClose(codes.losses[0], 0.1 * (9 + 3), atol=1e-4)

    def test_the_diversity_loss_on_the_codes_has_the_projections_gradient(self):
        x = np.random.default_rng(3).normal(size=(2, 6, 5)).astype("float32")
        layer = ArgmaxQuantiser(num_codes=5, diversity="codes")

        def diversity_loss(queries):
            layer(queries)
            return layer.losses[0]

        gradient = input_gradient(diversity_loss, x)
        self.assertEqual(gradient.shape, x.shape)
        self.assertGreater(float(np.abs(gradient).max()), 0.0)

    def test_code_dim_equals_num_codes(self):
        self.assertEqual(ArgmaxQuantiser(num_codes=9).code_dim, 9)
