import numpy as np
import pytest
from keras import ops
from keras.src import testing
from tensor_checks import assert_allclose

from keras_ada.layers import DilatedResidualStack


def dependency_span(layer, length, position, channels):
    """Output positions that change when input `position` changes."""
    inputs = (
        np.random.default_rng(0).normal(size=(1, length, channels)).astype("float32")
    )
    changed = inputs.copy()
    changed[0, position] += 10.0
    diff = np.abs(ops.convert_to_numpy(layer(inputs) - layer(changed))).max(-1)[0]
    touched = np.nonzero(diff)[0]
    return touched.min(), touched.max()


class DilatedResidualStackTest(testing.TestCase):
    def test_layer_basics(self):
        self.run_layer_test(
            DilatedResidualStack,
            init_kwargs={
                "repeats": 2,
                "stages": 3,
                "residual_channels": 8,
                "inner_channels": 4,
            },
            input_shape=(2, 16, 3),
            expected_output_shape=(2, 16, 8),
            # input conv (2) + 6 blocks x (dilated 2 + skip 2) + 5 residual projections x 2
            expected_num_trainable_weights=2 + 6 * 4 + 5 * 2,
        )

    def test_causal_receptive_field_is_exact(self):
        stack = DilatedResidualStack(2, 3, 8, 4, kernel_size=2)
        self.assertEqual(stack.receptive_field, 16)
        first, last = dependency_span(stack, 64, 20, 3)
        self.assertEqual((first, last), (20, 20 + stack.receptive_field - 1))

    def test_non_causal_receptive_field_is_exact_each_way(self):
        stack = DilatedResidualStack(2, 3, 8, 4, kernel_size=3, causal=False)
        self.assertEqual(stack.receptive_field, 16)
        first, last = dependency_span(stack, 80, 40, 3)
        self.assertEqual((first, last), (40 - 16, 40 + 16))

    def test_condition_is_split_across_blocks(self):
        stack = DilatedResidualStack(1, 2, 8, 4)
        self.assertEqual(stack.condition_channels, 2 * 2 * 4)
        inputs = np.random.rand(1, 8, 3).astype("float32")
        condition = np.zeros((1, 8, 16), "float32")
        self.assertAllClose(stack(inputs), stack(inputs, condition=condition))
        condition[..., 8:] = 1.0
        self.assertNotAllClose(stack(inputs), stack(inputs, condition=condition))

    def test_wrong_condition_size_is_reported(self):
        stack = DilatedResidualStack(1, 2, 8, 4)
        with pytest.raises(ValueError, match="16 channels"):
            stack(
                np.zeros((1, 8, 3), "float32"), condition=np.zeros((1, 8, 5), "float32")
            )


@pytest.mark.parametrize(
    "repeats, stages, kernel_size, causal, field",
    [
        (4, 8, 2, True, 1024),  # local model
        (2, 8, 3, False, 512),  # encoder and modulator, each side
        (3, 10, 3, True, 6144),  # large WaveNet
        (6, 10, 3, True, 12288),  # very large WaveNet
        (3, 13, 3, True, 49152),  # thin WaveNet
    ],
)
def test_paper_receptive_fields(repeats, stages, kernel_size, causal, field):
    stack = DilatedResidualStack(
        repeats, stages, 4, 4, kernel_size=kernel_size, causal=causal
    )
    assert stack.receptive_field == field


@pytest.mark.parametrize("kernel_size", [2, 3])
def test_steps_after_a_prefill_equal_the_full_pass(kernel_size):
    stack = DilatedResidualStack(2, 3, 8, 4, kernel_size=kernel_size)
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 20, 5)).astype("float32")
    condition = rng.normal(size=(2, 20, stack.condition_channels)).astype("float32")
    full = ops.convert_to_numpy(stack(inputs, condition=condition))
    prefix, state = stack.prefill(inputs[:, :6], condition=condition[:, :6])
    assert_allclose(prefix, full[:, :6], atol=1e-5)
    # Past the receptive field (16 inputs), so every queue wraps around.
    for t in range(6, 20):
        skip_t, state = stack.step(inputs[:, t], state, condition[:, t])
        assert_allclose(skip_t, full[:, t], atol=1e-5)
    assert int(state["time"]) == 20


def test_steps_from_the_initial_state_equal_the_full_pass():
    stack = DilatedResidualStack(1, 4, 8, 4, kernel_size=2)
    inputs = np.random.default_rng(1).normal(size=(1, 10, 3)).astype("float32")
    full = ops.convert_to_numpy(stack(inputs))
    state = stack.initial_state(batch_size=1)
    for t in range(10):
        skip_t, state = stack.step(inputs[:, t], state)
        assert_allclose(skip_t, full[:, t], atol=1e-5)
