"""`Stack` as a Keras model: build, compile, fit, save and load like any model."""

import os
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.models import Stack

# The tiny row 3.7: the prior's context is 64 codes of 64 samples, so its
# excerpts must be longer than 4096 samples.
LENGTH = 4096 + 64


def audio(batch=4, length=LENGTH, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(batch, length))


@pytest.fixture
def stack():
    keras.utils.set_random_seed(0)
    return zoo.load("vqvae_amae_wavenet", scale="tiny")


def test_the_zoo_gives_a_built_keras_model(stack):
    assert isinstance(stack, keras.Model)
    assert stack.built and all(model.built for model in stack.models)
    assert stack.count_params() == sum(model.count_params() for model in stack.models)
    lines = []
    stack.summary(print_fn=lines.append)
    summary = "\n".join(lines)
    for model in stack.models:
        assert model.name in summary
    codes = stack(audio(1, 256))
    assert [tuple(c.shape) for c in codes] == [(1, 32), (1, 4)]


def test_compile_gives_each_model_the_paper_set_up_of_its_scale(stack):
    stack.compile()
    optimizers = [model.optimizer for model in stack.models]
    assert len({id(optimizer) for optimizer in optimizers}) == 3
    for optimizer in optimizers:
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert optimizer.use_ema
        assert (
            optimizer.ema_momentum
            == zoo.training_defaults("vqvae_hop8", "tiny")["ema_momentum"]
        )
        np.testing.assert_allclose(float(optimizer.learning_rate), 2e-4)
    stack.compile(learning_rate=1e-3, ema_momentum=0.5)
    assert all(model.optimizer.ema_momentum == 0.5 for model in stack.models)
    stack.compile(optimizer=keras.optimizers.SGD(0.1))
    optimizers = [model.optimizer for model in stack.models]
    assert all(isinstance(optimizer, keras.optimizers.SGD) for optimizer in optimizers)
    assert len({id(optimizer) for optimizer in optimizers}) == 3


def test_fit_trains_each_model_bottom_up_on_its_level(stack):
    x = audio()
    before = [keras.ops.convert_to_numpy(m.trainable_weights[0]) for m in stack.models]
    with pytest.raises(ValueError, match="compile"):
        stack.fit(x, verbose=0)
    stack.compile(learning_rate=2e-3)
    seen = []

    class RecordBatches(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(self.model.name)

    histories = stack.fit(
        x,
        epochs=[2, 1, 1],
        batch_size=2,
        validation_data=audio(2, seed=1),
        callbacks=[RecordBatches()],
        verbose=0,
    )
    assert seen == [model.name for model in stack.models]
    assert [len(h.history["loss"]) for h in histories] == [2, 1, 1]
    assert sorted(histories[0].history) == [
        "loss",
        "nll",
        "perplexity",
        "val_loss",
        "val_nll",
        "val_perplexity",
    ]
    assert sorted(histories[2].history) == ["loss", "nll", "val_loss", "val_nll"]
    for model, weights in zip(stack.models, before):
        assert not np.allclose(
            keras.ops.convert_to_numpy(model.trainable_weights[0]), weights
        )


def test_fit_takes_endless_batches_and_steps_per_model(stack):
    stack.compile(learning_rate=2e-3)

    def batches():
        seed = 0
        while True:
            seed += 1
            yield audio(2, seed=seed)

    class Batches:
        def __iter__(self):
            return batches()

    histories = stack.fit(
        Batches(),
        steps_per_epoch=[3, 2, 1],
        validation_data=Batches(),
        validation_steps=1,
        verbose=0,
    )
    assert len(histories) == 3
    only_the_prior = stack.fit(Batches(), steps_per_epoch=1, models=[2], verbose=0)
    assert len(only_the_prior) == 1


def test_fit_checks_every_model_before_it_trains_one(stack):
    stack.compile()
    with pytest.raises(ValueError, match=r"Model 2 .*longer than 4096 samples"):
        stack.fit(audio(2, 1024), verbose=0)
    with pytest.raises(ValueError, match="`epochs` must be one value, or one per"):
        stack.fit(audio(2), epochs=[1, 1], verbose=0)
    with pytest.raises(ValueError, match="`steps_per_epoch` must be one value"):
        stack.fit(audio(2), steps_per_epoch=[1], verbose=0)
    for model in stack.models:
        assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 0


def test_save_writes_one_file_that_loads_with_the_same_samples(stack, tmp_path):
    stack.compile(learning_rate=2e-3)
    path = str(tmp_path / "stack.keras")
    stack.save(path)
    assert os.path.isfile(path)
    # Saved before training, its optimizers' variables load too.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Skipping variable loading")
        loaded = keras.saving.load_model(path)
    assert isinstance(loaded, Stack) and loaded.compiled
    assert [model.name for model in loaded.models] == [m.name for m in stack.models]
    np.testing.assert_array_equal(
        loaded.sample(0.01, seed=3, verbose=0), stack.sample(0.01, seed=3, verbose=0)
    )
    assert Stack.load(path).count_params() == stack.count_params()
    rebuilt = Stack.from_config(stack.get_config())
    assert rebuilt.count_params() == stack.count_params()


def test_fit_encode_save_fit_again(stack, tmp_path):
    """On JAX, `fit` left the weights sharing buffers with their averages, which
    the compiled encoding then deleted ("Array has been deleted")."""
    x = audio(8, 512)
    ada = stack.levels[0]
    ada.compile()
    ada.fit(x, verbose=0)
    Stack([ada]).codes_for_level(x, 1)
    ada.predict(x, verbose=0)
    ada.save(str(tmp_path / "ada.keras"))
    ada.fit(x, verbose=0)
    ada.save(str(tmp_path / "ada.keras"))


def test_saved_models_and_presets_load_in_a_fresh_process(stack, tmp_path):
    """A process of its own loads the `.keras` file and the preset
    (`cls.from_preset`) of a stack, an ADA and a WaveNet, with their outputs."""
    models = {"Stack": stack, "ADA": stack.levels[0], "WaveNet": stack.prior}
    for name, model in models.items():
        x = audio(1, 16 if name == "WaveNet" else 256)
        model.save(str(tmp_path / f"{name}.keras"))
        model.save_to_preset(str(tmp_path / f"{name}_preset"))
        np.save(tmp_path / f"{name}_x.npy", x)
        expected = keras.ops.convert_to_numpy(_first_output(model(x)))
        np.save(tmp_path / f"{name}_expected.npy", expected)
    script = textwrap.dedent(
        """
        import sys, keras, numpy as np
        from keras_ada import models

        directory = sys.argv[1]
        for name in ("Stack", "ADA", "WaveNet"):
            cls = getattr(models, name)
            x = np.load(f"{directory}/{name}_x.npy")
            expected = np.load(f"{directory}/{name}_expected.npy")
            for model in (
                keras.saving.load_model(f"{directory}/{name}.keras"),
                cls.from_preset(f"{directory}/{name}_preset"),
            ):
                assert type(model) is cls, (name, type(model))
                output = model(x)
                output = output["logits"] if isinstance(output, dict) else output
                output = output[0] if isinstance(output, list) else output
                np.testing.assert_array_equal(
                    keras.ops.convert_to_numpy(output), expected, err_msg=name
                )
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": keras.backend.backend()},
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _first_output(output):
    output = output["logits"] if isinstance(output, dict) else output
    return output[0] if isinstance(output, list) else output
