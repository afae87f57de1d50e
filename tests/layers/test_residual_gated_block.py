import numpy as np
import pytest
from keras import ops
from keras.src import testing
from tensor_checks import assert_allclose

from keras_ada.layers import ResidualGatedBlock


class ResidualGatedBlockTest(testing.TestCase):
    def test_layer_basics(self):
        self.run_layer_test(
            ResidualGatedBlock,
            init_kwargs={
                "residual_channels": 6,
                "inner_channels": 4,
                "dilation_rate": 2,
            },
            input_shape=(2, 10, 6),
            expected_output_shape=((2, 10, 6), (2, 10, 6)),
            expected_num_trainable_weights=6,
        )

    def test_skip_only_block_has_no_residual_projection(self):
        block = ResidualGatedBlock(6, 4, skip_channels=5, project_residual=False)
        inputs = np.random.rand(2, 10, 6).astype("float32")
        residual, skip = block(inputs)
        self.assertAllClose(residual, inputs)
        self.assertEqual(tuple(skip.shape), (2, 10, 5))
        self.assertLen(block.trainable_weights, 4)

    def test_gate_matches_numpy(self):
        block = ResidualGatedBlock(3, 2, kernel_size=1)
        inputs = np.random.rand(1, 4, 3).astype("float32")
        block(inputs)
        kernel, bias = (ops.convert_to_numpy(w) for w in block.dilated_conv.weights)
        pre = inputs @ kernel[0] + bias
        gated = np.tanh(pre[..., :2]) / (1 + np.exp(-pre[..., 2:]))
        w_res, b_res = (
            ops.convert_to_numpy(w) for w in block.residual_projection.weights
        )
        residual, _ = block(inputs)
        self.assertAllClose(residual, inputs + gated @ w_res[0] + b_res, atol=1e-5)

    def test_condition_is_added_before_the_gate(self):
        block = ResidualGatedBlock(3, 2)
        inputs = np.random.rand(1, 5, 3).astype("float32")
        _, skip_plain = block(inputs)
        _, skip_biased = block(inputs, condition=np.full((1, 5, 4), 2.0, "float32"))
        self.assertNotAllClose(skip_plain, skip_biased)

    def test_causal_block_never_sees_the_future(self):
        block = ResidualGatedBlock(4, 3, kernel_size=2, dilation_rate=4)
        inputs = np.random.rand(1, 20, 4).astype("float32")
        changed = inputs.copy()
        changed[0, 10] += 1.0
        residual_a, skip_a = block(inputs)
        residual_b, skip_b = block(changed)
        diff = np.abs(ops.convert_to_numpy(skip_a - skip_b)).max(-1)[0]
        self.assertEqual(list(np.nonzero(diff)[0]), [10, 14])

    def test_non_causal_block_looks_both_ways(self):
        block = ResidualGatedBlock(4, 3, kernel_size=3, dilation_rate=2, causal=False)
        inputs = np.random.rand(1, 20, 4).astype("float32")
        changed = inputs.copy()
        changed[0, 10] += 1.0
        diff = np.abs(ops.convert_to_numpy(block(inputs)[1] - block(changed)[1])).max(
            -1
        )[0]
        self.assertEqual(list(np.nonzero(diff)[0]), [8, 10, 12])


@pytest.mark.parametrize(
    "kwargs, culprit",
    [
        ({"residual_channels": 0, "inner_channels": 4}, "residual_channels=0"),
        (
            {"residual_channels": 4, "inner_channels": 4, "dilation_rate": 1.5},
            "dilation_rate=1.5",
        ),
        (
            {
                "residual_channels": 4,
                "inner_channels": 4,
                "kernel_size": 2,
                "causal": False,
            },
            "kernel_size=2",
        ),
    ],
)
def test_bad_arguments_are_named(kwargs, culprit):
    with pytest.raises(ValueError, match=culprit.replace(".", r"\.")):
        ResidualGatedBlock(**kwargs)


def test_wrong_input_channels_are_reported():
    with pytest.raises(ValueError, match="residual_channels"):
        ResidualGatedBlock(4, 2)(np.zeros((1, 5, 3), "float32"))


@pytest.mark.parametrize("project_residual", [True, False])
def test_steps_equal_the_full_pass(project_residual):
    block = ResidualGatedBlock(
        6, 4, kernel_size=3, dilation_rate=2, project_residual=project_residual
    )
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 12, 6)).astype("float32")
    condition = rng.normal(size=(2, 12, 8)).astype("float32")
    residual, skip = (ops.convert_to_numpy(x) for x in block(inputs, condition))
    state = block.initial_state(batch_size=2)
    assert tuple(state.shape) == (block.receptive_field, 2, 6)
    for t in range(12):
        (residual_t, skip_t), state = block.step(
            inputs[:, t], state, ops.convert_to_tensor(t, "int32"), condition[:, t]
        )
        assert_allclose(residual_t, residual[:, t], atol=1e-5)
        assert_allclose(skip_t, skip[:, t], atol=1e-5)


def test_prefill_state_continues_the_sequence():
    block = ResidualGatedBlock(6, 4, kernel_size=2, dilation_rate=4)
    inputs = np.random.default_rng(1).normal(size=(1, 9, 6)).astype("float32")
    _, skip = block(inputs)
    (_, prefix_skip), state = block.prefill(inputs[:, :7])
    assert_allclose(prefix_skip, skip[:, :7], atol=1e-5)
    for t in (7, 8):
        (_, skip_t), state = block.step(
            inputs[:, t], state, ops.convert_to_tensor(t, "int32")
        )
        assert_allclose(skip_t, skip[:, t], atol=1e-5)


def test_non_causal_block_has_no_step():
    block = ResidualGatedBlock(6, 4, kernel_size=3, causal=False)
    with pytest.raises(ValueError, match="causal=False"):
        block.initial_state(batch_size=1)
