"""Whole-function compilation on the active Keras backend."""

import functools
import math

import keras
from keras import ops

# Steps per compiled call of a loop on PyTorch (see `compile_loop`). More
# steps share the host's cost of a call, but compile for longer: the zoo's
# wavenet_large at tiny scale, batch 1, samples 50k steps/s after 15 s of
# compilation with 1, 68k after 38 s with 2, 78k after 69 s with 4. Two keep
# every zoo model within 3x of JAX's steps per second (benchmarks/README.md).
TORCH_UNROLL = 2


def compile_function(function):
    """Compiles a pure function of tensors: `jax.jit` or XLA `tf.function`.

    On TensorFlow the function runs under XLA (`jit_compile=True`): bounded
    `while_loop`s compile there, and XLA updates loop-carried buffers in place.
    Other backends run the function eagerly.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.jit(function)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=True)
    return function


def compile_loop(body, maximum_iterations, jit_compile=True):
    """`loop(inputs, count, loop_vars)`: `count` steps of `body`, compiled.

    The loop runs `loop_vars = body(inputs, *loop_vars)` while
    `loop_vars[0] < count` (a counter that the body increments), at most
    `maximum_iterations` times, and returns the last `loop_vars`. Compiled, it
    is one `ops.while_loop` inside `compile_function` on JAX and TensorFlow;
    on PyTorch, a `keras_ada.sampling.torch_loop.TorchLoop`: the body compiled
    by TorchInductor, `TORCH_UNROLL` steps per call (or a divisor of
    `maximum_iterations`), called from a host loop. The PyTorch loop may run
    up to `TORCH_UNROLL - 1` steps past `count` (never past
    `maximum_iterations`): the caller discards what they produce, and uses
    the loop variables of a loop that stopped short of `maximum_iterations`
    no further. `jit_compile="traced"` runs the body traced but not compiled
    on PyTorch (`keras_ada.sampling.torch_loop.TracedLoop`), `count` steps:
    for loops too short to repay a compilation.

    Args:
        body: a function of tensors `body(inputs, *loop_vars)` returning the
            next `loop_vars`.
        maximum_iterations: the largest `count`.
        jit_compile: True compiles; `"traced"` traces on PyTorch (and
            compiles elsewhere); False runs the loop eagerly (a Python loop
            on PyTorch).
    """
    if jit_compile and keras.backend.backend() == "torch":
        from keras_ada.sampling import torch_loop

        if jit_compile == "traced":
            return torch_loop.TracedLoop(body)
        unroll = math.gcd(TORCH_UNROLL, maximum_iterations)
        return torch_loop.TorchLoop(body, unroll=unroll)

    def loop(inputs, count, loop_vars):
        return ops.while_loop(
            lambda i, *_: i < count,
            functools.partial(body, inputs),
            loop_vars,
            maximum_iterations=maximum_iterations,
        )

    if jit_compile:
        return compile_function(loop)
    if keras.backend.backend() == "torch":
        return _without_autograd(loop)
    return loop


def _without_autograd(function):
    """`function` run under `torch.no_grad()`: sampling needs no gradients,
    and an eager PyTorch loop that records them pays for it at every op
    (0.25 s from a tiny stack: 27 s recording, 21 s without)."""
    import torch

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with torch.no_grad():
            return function(*args, **kwargs)

    return wrapper
