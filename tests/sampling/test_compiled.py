"""Compiled sampling loops give the samples of the eager loop, on every backend."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_ada.models import WaveNet
from keras_ada.sampling import IncrementalSampler


def test_compiled_sampling_equals_the_eager_loop():
    model = WaveNet(
        repeats=1, stages=3, residual_channels=8, inner_channels=4, kernel_size=3
    )
    model(np.zeros((1, 1), "int32"))
    # Three chunks, the last one partial; one row greedy, one random.
    sampler = IncrementalSampler(model, chunk_size=16)
    rng = np.random.default_rng(0)
    condition = rng.normal(size=(2, 11, model.condition_channels)).astype("float32")
    prime = rng.integers(0, 256, size=(2, 5))
    options = dict(
        temperature=np.array([0.0, 1.0], "float32"),
        seed=3,
        condition_hop=4,
        return_logits=True,
        verbose=0,
    )

    def both(**extra):
        results = [
            sampler.generate(37, jit_compile=jit_compile, **options, **extra)
            for jit_compile in (True, False)
        ]
        (compiled, compiled_logits), (eager, eager_logits) = results
        np.testing.assert_array_equal(compiled, eager)
        np.testing.assert_allclose(compiled_logits, eager_logits, atol=1e-5)
        return compiled_logits

    both(prime=prime, condition=condition)
    # Without the prime: 37 steps, 10 rows of biases.
    before = both(condition=condition[:, :10])
    # New weights (as after training) are read by the same compiled loop.
    model.set_weights([w * 1.5 for w in model.get_weights()])
    after = both(condition=condition[:, :10])
    assert np.abs(after - before).max() > 1e-3


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch only")
def test_torch_loop_runs_whole_unrolled_calls_in_place():
    import torch

    from keras_ada.sampling.torch_loop import TorchLoop

    def body(inputs, i, written):
        row = ops.cast(i, "float32") * inputs["row"]
        return i + 1, ops.slice_update(written, (i, 0), row[None])

    loop = TorchLoop(body, unroll=3)
    written = torch.zeros((9, 2))
    inputs = {"row": torch.tensor([1.0, -1.0])}
    count, result = loop(inputs, 7, (torch.tensor(0, dtype=torch.int32), written))
    # 7 steps rounded up to 3 calls of 3, each writing its row in place.
    assert int(count) == 9
    expected = np.arange(9)[:, None] * np.array([1.0, -1.0])
    np.testing.assert_array_equal(result.numpy(), expected)
    np.testing.assert_array_equal(written.numpy(), expected)
