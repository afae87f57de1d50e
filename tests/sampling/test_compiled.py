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

    # PyTorch also runs the step traced; it compiles (seconds for each new
    # shape) the loop of the calls without a prime only.
    torch = keras.backend.backend() == "torch"
    modes = (True, "traced") if torch else (True,)

    def both(modes, **extra):
        eager, eager_logits = sampler.generate(
            37, jit_compile=False, **options, **extra
        )
        for mode in modes:
            samples, logits = sampler.generate(37, jit_compile=mode, **options, **extra)
            np.testing.assert_array_equal(samples, eager, err_msg=str(mode))
            np.testing.assert_allclose(logits, eager_logits, atol=1e-5)
        return logits

    both(("traced",) if torch else modes, prime=prime, condition=condition)
    # Without the prime: 37 steps, 10 rows of biases.
    before = both(modes, condition=condition[:, :10])
    # New weights (as after training) are read by the same compiled loop.
    model.set_weights([w * 1.5 for w in model.get_weights()])
    after = both(modes, condition=condition[:, :10])
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


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch only")
def test_traced_loop_computes_what_depends_on_the_inputs_once_per_call():
    import torch

    from keras_ada.sampling.torch_loop import TracedLoop

    def body(inputs, i, total):
        kernel = ops.concatenate([inputs["a"], inputs["b"]]) * 2.0
        return i + 1, total + ops.sum(kernel) * ops.cast(i, "float32")

    inputs = {"a": torch.tensor([1.0, 2.0]), "b": torch.tensor([3.0])}
    loop = TracedLoop(body)
    for count in (5, 3):
        start = (torch.tensor(0, dtype=torch.int32), torch.tensor(0.0))
        i, total = loop(inputs, count, start)
        assert int(i) == count
        assert float(total) == 12.0 * sum(range(count))
    ((prologue, step),) = loop._traced.values()
    assert "aten.cat.default" in {str(n.target) for n in prologue.graph.nodes}
    assert "aten.cat.default" not in {str(n.target) for n in step.graph.nodes}


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch only")
def test_the_state_a_call_returns_runs_the_same_traced_step():
    """A dict of state comes back with its keys sorted (`keras.tree`); the
    next chunk's call must not trace (or compile) the step again."""
    import torch

    from keras_ada.sampling.torch_loop import TracedLoop

    def body(inputs, state):
        return ({"time": state["time"] + 1, "queue": state["queue"] + inputs},)

    loop = TracedLoop(body)
    state = {"time": torch.tensor(0), "queue": torch.zeros(2)}
    for _ in range(3):
        (state,) = loop(torch.ones(2), 2, (state,))
    assert int(state["time"]) == 6
    np.testing.assert_array_equal(state["queue"].numpy(), [6.0, 6.0])
    assert len(loop._traced) == 1


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch only")
def test_what_the_step_writes_into_is_not_hoisted():
    import torch
    from torch.fx.experimental.proxy_tensor import make_fx

    from keras_ada.sampling.torch_loop import hoist_invariants

    def step(weight, x):
        buffer = weight * 2.0  # depends on the weight only, but written below
        buffer.add_(x)
        return [buffer, torch.rand(()) + weight.sum()]

    weight, x = torch.ones(3), torch.arange(3.0)
    prologue, rest = hoist_invariants(make_fx(step)(weight, x), 1)
    for _ in range(2):
        buffer, noisy = rest(weight, *prologue(weight), x)
        np.testing.assert_array_equal(buffer.numpy(), [2.0, 3.0, 4.0])
    assert "aten.rand.default" in {str(n.target) for n in rest.graph.nodes}


def test_an_unknown_jit_compile_is_refused():
    model = WaveNet(repeats=1, stages=1, residual_channels=4, inner_channels=2)
    with pytest.raises(ValueError, match="`jit_compile` must be"):
        IncrementalSampler(model).generate(3, jit_compile="yes", verbose=0)
