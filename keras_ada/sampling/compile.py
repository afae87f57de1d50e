"""Whole-function compilation on the active Keras backend."""

import keras


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
