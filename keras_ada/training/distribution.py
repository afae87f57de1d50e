"""Data-parallel training across the accelerators of the backend in use.

TensorFlow: `tf.distribute.MirroredStrategy` over the local GPUs (or over the
logical CPUs when there are no GPUs and more than one logical CPU), and
`tf.distribute.MultiWorkerMirroredStrategy` when `TF_CONFIG` describes a
cluster. JAX: `keras.distribution.DataParallel` over `jax.devices()`. Other
backends, or a single device: no distribution.

Models must be created, compiled and fitted inside `scope()`. The global batch
is split evenly across replicas, so its size must be a multiple of
`num_replicas`. Layers with state updated in the forward pass (the VQ-VAE's EMA
codebook) declare it with `aggregation="mean"`, which combines the replicas'
updates (TensorFlow); under JAX, data parallelism is one SPMD program, so batch
statistics are global by construction.
"""

import contextlib
import functools
import os

import keras


class Distribution:
    """The data-parallel set-up of one backend.

    Args:
        name: a readable description, e.g. `"MirroredStrategy x 2"`.
        num_replicas: how many replicas one global batch is split across.
        context: a callable returning the context manager of the set-up.
        is_chief: whether this process writes checkpoints, logs and the final
            model (false on the non-chief workers of a multi-worker cluster).
    """

    def __init__(
        self,
        name: str,
        num_replicas: int,
        context=contextlib.nullcontext,
        is_chief: bool = True,
    ):
        self.name = name
        self.num_replicas = num_replicas
        self.is_chief = is_chief
        self._context = context

    def scope(self):
        """Returns the context manager to create, compile and fit models in."""
        return self._context()

    def check_batch_size(self, batch_size: int):
        """Fails unless `batch_size` splits evenly across the replicas."""
        if batch_size % self.num_replicas:
            raise ValueError(
                f"The global batch size must be a multiple of the number of replicas "
                f"({self.num_replicas}, {self.name}). Received: batch_size={batch_size}"
            )

    def __repr__(self):
        return f"<Distribution {self.name}>"


def select_distribution(devices: list | None = None) -> Distribution:
    """Returns the data-parallel set-up for the current Keras backend.

    Args:
        devices: optional list of devices to replicate over (TensorFlow device
            names such as `"/cpu:0"`, or JAX devices); defaults to every
            accelerator, else every logical CPU (TensorFlow) or `jax.devices()`.

    Returns:
        A `Distribution`.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_distribution(devices)
    if backend == "jax":
        return _jax_distribution(devices)
    return Distribution(f"{backend}, one device", 1)


def _tensorflow_distribution(devices):
    import tensorflow as tf

    if devices is None and os.environ.get("TF_CONFIG"):
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        resolver = strategy.cluster_resolver
        is_chief = resolver.task_type in (None, "chief") or (
            resolver.task_type == "worker"
            and resolver.task_id == 0
            and "chief" not in resolver.cluster_spec().as_dict()
        )
        return Distribution(
            f"MultiWorkerMirroredStrategy x {strategy.num_replicas_in_sync}",
            strategy.num_replicas_in_sync,
            strategy.scope,
            is_chief=is_chief,
        )
    if devices is None:
        devices = [device.name for device in tf.config.list_logical_devices("GPU")]
        devices = devices or [
            device.name for device in tf.config.list_logical_devices("CPU")
        ]
    if len(devices) < 2:
        return Distribution(f"TensorFlow, one device {list(devices)}", 1)
    strategy = _mirrored_strategy(tuple(devices))
    return Distribution(
        f"MirroredStrategy x {strategy.num_replicas_in_sync}",
        strategy.num_replicas_in_sync,
        strategy.scope,
    )


@functools.cache
def _mirrored_strategy(devices):
    """One `MirroredStrategy` per set of devices and process: strategies created
    one after the other in a process can otherwise mix up their collective
    operations (shape mismatches in the all-reduce of the gradients)."""
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(list(devices))


def _jax_distribution(devices):
    import jax

    devices = list(jax.devices()) if devices is None else list(devices)
    if len(devices) < 2:
        return Distribution(f"JAX, one device {devices}", 1)
    distribution = keras.distribution.DataParallel(devices=devices)
    return Distribution(
        f"DataParallel x {len(devices)} ({devices[0].platform})",
        len(devices),
        distribution.scope,
    )
