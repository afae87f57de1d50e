"""Test set-up shared by the whole suite.

The suite runs once per Keras backend (`KERAS_BACKEND=tensorflow|jax|torch`).
Tests of code that does not depend on the backend (the data builder and
pipelines, the command line, Beam, PBT's orchestration, the report, the
documentation's examples) are marked `backend_neutral`: `make test` runs them
once, on its first backend (torch). Before any backend is imported, the CPU is
split into two logical devices so that data-parallel training can be tested
with two replicas on one machine; other tests train on one device.
"""

import fcntl
import os
import pathlib
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The tests compile hundreds of tiny programs that then run for milliseconds:
# without LLVM's optimisation passes XLA compiles them a third faster (JAX, and
# TensorFlow's XLA sampling loops), and its classic fusion emitters compile
# them a third faster again than the MLIR ones; the benchmarks compile as
# users do.
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "")
    + " --xla_force_host_platform_device_count=2"
    + " --xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
    + " --xla_cpu_use_fusion_emitters=false"
).strip()

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

if keras.backend.backend() == "torch":
    import torch

    # One intra-op thread per test process: `make test` runs one process per
    # core, and PyTorch's threads stall each other on an oversubscribed CPU
    # (a sampling docstring example took 100 s with its default threads
    # and 24 s with one, next to other work).
    torch.set_num_threads(1)

if keras.backend.backend() == "tensorflow":
    # Grappler rewrites each traced graph before its first run: seconds per
    # training step function, for programs that then run for milliseconds.
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})

_cpus = tf.config.list_physical_devices("CPU")
# Asking for logical devices would initialise TensorFlow and freeze the split.
if _cpus and tf.config.get_logical_device_configuration(_cpus[0]) is None:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )


ROOT = pathlib.Path(__file__).resolve().parents[1]
BACKEND_NEUTRAL_DIRECTORIES = ("cli", "data", "datasets", "report", "tuning")


def pytest_configure(config):
    """On JAX, compiled programs are kept in a persistent cache: tests compile
    the same tiny models' steps again and again (in a full run, a fifth of
    JAX's time), and later runs start warm. The cache is the user's, as
    TorchInductor's is on PyTorch, so every clone on the machine shares it:
    `$KERAS_ADA_JAX_CACHE`, or `keras-ada/jax-tests` in `$XDG_CACHE_HOME`
    (`~/.cache`). It is set in the environment, so that the JAX processes
    that tests start use it too."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    directory = os.environ.get("KERAS_ADA_JAX_CACHE") or os.path.join(
        cache_home, "keras-ada", "jax-tests"
    )
    os.environ["JAX_COMPILATION_CACHE_DIR"] = directory
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    if keras.backend.backend() == "jax":
        import jax

        jax.config.update("jax_compilation_cache_dir", directory)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)


def pytest_ignore_collect(collection_path, config):
    """Where the run deselects the backend-neutral tests (`-m "... not
    backend_neutral"`, as `make test` on its later backends), their
    directories are not even imported: Ray, Beam and the dataset builder's
    imports cost each test process seconds."""
    if "not backend_neutral" not in (config.getoption("markexpr") or ""):
        return None
    tests = pathlib.Path(__file__).parent
    relative = collection_path.relative_to(tests).parts
    return True if relative and relative[0] in BACKEND_NEUTRAL_DIRECTORIES else None


def pytest_collection_modifyitems(config, items):
    tests = pathlib.Path(__file__).parent
    for item in items:
        if item.path.relative_to(tests).parts[0] in BACKEND_NEUTRAL_DIRECTORIES:
            item.add_marker(pytest.mark.backend_neutral)


@pytest.fixture(autouse=True)
def _one_training_device(request, monkeypatch):
    """Training picks one device, as on a user's CPU. The two logical CPUs are
    for the tests of data parallelism, which name their devices or are marked
    `replicas` to let `select_distribution()` find both: two replicas trace and
    compile each step twice (a tiny run of the runner took 20 s on TensorFlow
    instead of 7)."""
    if request.node.get_closest_marker("replicas"):
        return
    from keras_ada.training import distribution

    def first_device_of(select):
        def select_first(devices):
            return select(devices if devices is not None else _devices()[:1])

        return select_first

    for name in ("_tensorflow_distribution", "_jax_distribution"):
        monkeypatch.setattr(
            distribution, name, first_device_of(getattr(distribution, name))
        )


def _devices():
    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()
    return [device.name for device in tf.config.list_logical_devices("CPU")]


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global seed and the float32 policy."""
    keras.utils.set_random_seed(1234)
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture(scope="session")
def embedded_mini(pytestconfig):
    """`make data`'s TFDS directory (the `embedded_mini` config), built once and
    kept in pytest's cache for later runs."""
    from keras_ada.datasets.piano_dataset.piano_dataset_dataset_builder import Builder

    data_dir = pytestconfig.cache.mkdir("embedded_mini_data")
    # TFDS writes `dataset_info.json` once the whole build is on disk.
    version_dir = data_dir / "piano_dataset" / "embedded_mini" / str(Builder.VERSION)
    tfds = pathlib.Path(sys.executable).parent / "tfds"
    # One build at a time: the test processes of a run share the cache.
    with open(data_dir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (version_dir / "dataset_info.json").is_file():
            return data_dir
        built = subprocess.run(
            [str(tfds), "build", "piano_dataset", "--config", "embedded_mini"]
            + ["--data_dir", str(data_dir)],
            cwd=ROOT / "datasets",
            capture_output=True,
            text=True,
        )
    assert built.returncode == 0, built.stderr[-3000:]
    return data_dir
