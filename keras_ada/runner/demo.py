"""The main job, end to end: train a 3-level hierarchy, sample, reconstruct, report."""

import os
import tempfile
from collections.abc import Sequence

from keras_ada.runner.errors import UserError
from keras_ada.runner.evaluate import evaluate_run
from keras_ada.runner.reconstruct import reconstruct_files
from keras_ada.runner.reconstruct import write_real_excerpt
from keras_ada.runner.report import report_runs
from keras_ada.runner.sample import sample_to_files
from keras_ada.runner.train import train_model

MODEL = "vqvae_vqvae_wavenet"


def run_demo(
    output: str = "demo",
    *,
    data_dir: str | None = None,
    config: str = "embedded_mini",
    scale: str = "demo",
    steps: Sequence[int] = (2000, 1500, 400),
    learning_rate: float = 2e-3,
    seconds: float = 10.0,
    excerpt_seconds: float = 4.0,
    seed: int = 0,
) -> dict[str, str]:
    """Trains a `vqvae_vqvae_wavenet` level by level, then samples, reconstructs,
    evaluates and writes the listening report.

    Every step resumes or skips what an earlier call finished. Writes under
    `output`: `vqvae_vqvae_wavenet/` (the trained stack, its checkpoints,
    TensorBoard logs and `evaluation/`), `samples/` (audio sampled from the
    prior and decoded top down), `reconstruction/` (a real excerpt of the
    eval split and its reconstruction through every level) and
    `report/index.html`.

    Args:
        output: output directory.
        data_dir: TFDS data directory of piano_dataset.
        config: piano_dataset builder config.
        scale: zoo scale of the hierarchy.
        steps: training steps of level 0, level 1 and the prior.
        learning_rate: Adam's learning rate.
        seconds: duration of the sampled audio.
        excerpt_seconds: duration of the reconstructed excerpt.
        seed: random seed.

    Returns:
        The paths written: `"model"`, `"samples"`, `"reconstruction"`,
        `"report"` (the report's `index.html`).

    Example:

    ```python
    paths = keras_ada.runner.run_demo("demo", data_dir="demo/data")
    ```
    """
    paths = {
        "model": os.path.join(output, MODEL),
        "samples": os.path.join(output, "samples"),
        "reconstruction": os.path.join(output, "reconstruction"),
    }
    for level, level_steps in enumerate(steps):
        train_model(
            MODEL,
            paths["model"],
            scale=scale,
            level=level,
            steps=level_steps,
            learning_rate=learning_rate,
            seed=seed,
            data_dir=data_dir,
            config=config,
            eval_steps=2,
            pbt_baseline=True,
        )
    sample_to_files(paths["model"], paths["samples"], seconds=seconds, seed=seed)
    with tempfile.TemporaryDirectory() as scratch:
        excerpt = write_real_excerpt(
            os.path.join(scratch, "real_excerpt.wav"), excerpt_seconds, data_dir, config
        )
        errors = reconstruct_files(
            paths["model"],
            [excerpt],
            paths["reconstruction"],
            seconds=excerpt_seconds,
            seed=seed,
        )
    if errors:
        raise UserError(next(iter(errors.values())))
    evaluate_run(
        paths["model"],
        data_dir=data_dir,
        config=config,
        seconds=60,
        fidelity_seconds=2,
        seed=seed,
    )
    paths["report"] = report_runs(
        [paths["model"]],
        os.path.join(output, "report"),
        audio=[paths["samples"], paths["reconstruction"]],
        title="keras-ada demo",
    )
    return paths
