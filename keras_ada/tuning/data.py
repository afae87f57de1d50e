"""The training batches of a zoo model, described so that Ray's workers rebuild them."""

import dataclasses
import os

SYNTHETIC_EVAL_SEED = 7919  # offset giving synthetic evaluation data its own stream


@dataclasses.dataclass
class ZooData:
    """`data(split, seed)`: the batches `keras-ada train` trains a zoo model on.

    Paths are made absolute when the description is made: Ray Tune runs each
    member in a working directory of its own.

    Args:
        length: excerpt length, in steps of the modelled sequence.
        batch_size: batch size.
        level_paths: `.keras` files of the trained ADAs (bottom first) whose
            codes the model trains on; empty for a model of audio.
        codes_dir: where those codes are written, one directory per split.
        data_dir: TFDS data directory of piano_dataset.
        config: piano_dataset builder config.
        synthetic: train on synthetic tones instead of the piano data.
    """

    length: int
    batch_size: int
    level_paths: tuple = ()
    codes_dir: str | None = None
    data_dir: str | None = None
    config: str | None = None
    synthetic: bool = False

    def __post_init__(self):
        self.level_paths = tuple(os.path.abspath(path) for path in self.level_paths)
        for name in ("codes_dir", "data_dir"):
            if getattr(self, name) is not None:
                setattr(self, name, os.path.abspath(getattr(self, name)))

    def __call__(self, split: str, seed: int):
        from keras_ada import data
        from keras_ada.models import Stack

        levels = self._levels()
        stack = Stack(levels) if levels else None
        options = {} if self.config is None else {"config": self.config}
        if self.synthetic:
            hop = stack.hop if stack else 1
            seed = seed if split == "train" else seed + SYNTHETIC_EVAL_SEED
            audio = data.synthetic_excerpts(
                self.length * hop, self.batch_size, seed=seed
            )
            return data.code_batches(stack, audio) if stack else audio
        if stack:
            return data.encoded_code_excerpts(
                stack,
                split,
                os.path.join(self.codes_dir, split),
                self.length,
                self.batch_size,
                data_dir=self.data_dir,
                seed=seed,
                **options,
            )
        return data.excerpts(
            split,
            self.length,
            self.batch_size,
            data_dir=self.data_dir,
            seed=seed,
            **options,
        )

    def _levels(self):
        import keras

        return [
            keras.saving.load_model(path, compile=False) for path in self.level_paths
        ]
