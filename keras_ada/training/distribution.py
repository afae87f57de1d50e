"""Data-parallel training across the accelerators of the backend in use.

TensorFlow: `tf.distribute.MirroredStrategy` over the local GPUs (or over the
logical CPUs when there are no GPUs and more than one logical CPU), and
`tf.distribute.MultiWorkerMirroredStrategy` when `TF_CONFIG` describes a
cluster. JAX: `keras.distribution.DataParallel` over `jax.devices()`, the
devices of every process once `initialize_processes` has joined them into one
job (`jax.distributed.initialize`). PyTorch: one device, as Keras has no
data-parallel distribution for torch (a warning says so when several GPUs are
visible). A single device: no distribution.

On several workers or processes, each reads its own part of every global
batch (TensorFlow's auto-sharding, Keras' `DataParallel.distribute_dataset`):
the input pipeline is the same on each, seeded alike, and yields global
batches. Only the chief (task 0, process 0) writes checkpoints, logs and the
final model.

Models must be created, compiled and fitted inside `scope()`. The global batch
is split evenly across replicas, so its size must be a multiple of
`num_replicas`. Layers with state updated in the forward pass (the VQ-VAE's EMA
codebook) declare it with `aggregation="mean"`, which combines the replicas'
updates (TensorFlow); under JAX, data parallelism is one SPMD program, so batch
statistics are global by construction.
"""

import contextlib
import functools
import logging
import os

import keras

logger = logging.getLogger(__name__)


class Distribution:
    """The data-parallel set-up of one backend.

    Args:
        name: a readable description, e.g. `"MirroredStrategy x 2"`.
        num_replicas: how many replicas one global batch is split across.
        context: a callable returning the context manager of the set-up.
        is_chief: whether this process writes checkpoints, logs and the final
            model (false on the non-chief workers of a multi-worker cluster).
        num_processes: how many processes (workers) train together.
        process_index: this process's index among them.
    """

    def __init__(
        self,
        name: str,
        num_replicas: int,
        context=contextlib.nullcontext,
        is_chief: bool = True,
        num_processes: int = 1,
        process_index: int = 0,
        prepare=None,
    ):
        self.name = name
        self.num_replicas = num_replicas
        self.is_chief = is_chief
        self.num_processes = num_processes
        self.process_index = process_index
        self._context = context
        self._prepare = prepare

    def prepare(self, model):
        """Adapts a compiled model to the set-up before it trains (or returns it)."""
        return self._prepare(model) if self._prepare else model

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


def initialize_processes(
    coordinator: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
):
    """Joins this process to a multi-process JAX job (`jax.distributed`).

    Call it once, before any other JAX work, in every process of the job with
    the same `coordinator` and `num_processes` and its own `process_id`; then
    `select_distribution()` replicates over the devices of every process. The
    arguments left out are read from the environment variables Keras reads
    (`KERAS_DISTRIBUTION_JOB_ADDRESSES`, `KERAS_DISTRIBUTION_NUM_PROCESSES`,
    `KERAS_DISTRIBUTION_PROCESS_ID`), or found by JAX on a managed cluster
    (Slurm, Cloud TPU). On CPUs the processes exchange data through Gloo.

    Args:
        coordinator: `"host:port"` of process 0.
        num_processes: how many processes the job has.
        process_id: this process's index, `0 <= process_id < num_processes`.

    Example:

    >>> # In each of two processes, with its own process_id:
    >>> keras_ada.training.initialize_processes(
    ...     "10.0.0.1:1234", num_processes=2, process_id=0
    ... )  # doctest: +SKIP
    >>> distribution = keras_ada.training.select_distribution()  # doctest: +SKIP
    """
    if num_processes is not None and process_id is not None:
        if not 0 <= process_id < num_processes:
            raise ValueError(
                "`process_id` must be in [0, num_processes). Received: "
                f"process_id={process_id}, num_processes={num_processes}"
            )
    if keras.backend.backend() != "jax":
        raise ValueError(
            "Multi-process training with a coordinator is for the JAX backend "
            "(KERAS_BACKEND=jax); TensorFlow reads its cluster from TF_CONFIG. "
            f"Received: backend={keras.backend.backend()!r}"
        )
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    keras.distribution.initialize(coordinator, num_processes, process_id)


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
    if backend == "torch":
        return _torch_distribution(devices)
    return Distribution(f"{backend}, one device", 1)


def _torch_distribution(devices):
    import torch

    count = len(devices) if devices is not None else torch.cuda.device_count()
    if count > 1:
        logger.warning(
            "The torch backend trains on one of the %d devices: Keras has no "
            "data-parallel distribution for torch (KERAS_BACKEND=jax or "
            "tensorflow trains on all of them).",
            count,
        )
    return Distribution("torch, one device", 1)


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
        cluster = resolver.cluster_spec().as_dict()
        return Distribution(
            f"MultiWorkerMirroredStrategy x {strategy.num_replicas_in_sync}",
            strategy.num_replicas_in_sync,
            strategy.scope,
            is_chief=is_chief,
            num_processes=sum(len(tasks) for tasks in cluster.values()),
            process_index=resolver.task_id
            + (len(cluster.get("chief", [])) if resolver.task_type == "worker" else 0),
            prepare=_logs_as_vectors,
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


def _logs_as_vectors(model):
    """Makes the train and test steps return their logs as 1-element vectors.

    Under `MultiWorkerMirroredStrategy`, Keras 3 averages a step's logs with
    `strategy.reduce("MEAN", value, axis=0)`, which fails on the scalars that
    `train_step` returns ("Invalid reduction dimension 0 for input with 0
    dimensions", tensorflow/tensorflow#72388). A vector of one element
    reduces to the same mean, as a scalar.
    """
    from keras import ops

    def vectors(step):
        def step_with_vector_logs(data):
            logs = step(data)
            return {key: ops.reshape(value, (1,)) for key, value in logs.items()}

        return step_with_vector_logs

    model.train_step = vectors(model.train_step)
    model.test_step = vectors(model.test_step)
    return model


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
    processes = jax.process_count()
    return Distribution(
        f"DataParallel x {len(devices)} ({devices[0].platform}"
        + (f", {processes} processes)" if processes > 1 else ")"),
        len(devices),
        distribution.scope,
        is_chief=jax.process_index() == 0,
        num_processes=processes,
        process_index=jax.process_index(),
    )
