"""Evaluating a trained model or stack on a whole split of the piano data."""

import json
import os
from collections.abc import Sequence

from keras_ada.runner.run_data import run_data


def evaluate_run(
    run: str,
    *,
    output: str | None = None,
    row: str | None = None,
    split: str = "eval",
    seconds: float | None = None,
    data_dir: str | None = None,
    config: str | None = None,
    batch_size: int = 8,
    fidelity_excerpts: int = 2,
    fidelity_seconds: float = 1.0,
    seed: int = 0,
    codes_from: Sequence[str] = (),
) -> dict:
    """Evaluates a trained run and writes `evaluation.json` and `evaluation.md`.

    Deterministic: every recording of the split is cut into consecutive
    windows and scored with the saved (Polyak-averaged) weights, see
    `keras_ada.evaluation.evaluate`.

    Args:
        run: a `.keras` file, a run directory or a stack directory.
        output: output directory (default: `evaluation/` beside the model).
        row: the paper's row id, for its numbers in `evaluation.md`.
        split: split of the piano data.
        seconds: evaluate at most this much audio (default: all of it).
        data_dir: TFDS data directory of piano_dataset (default: the one
            the run trained on, see `train_model`, else TFDS's default).
        config: piano_dataset builder config (default: the one the run
            trained on, else `"embedded"`).
        batch_size: windows per batch.
        fidelity_excerpts: excerpts reconstructed to measure fidelity.
        fidelity_seconds: their duration.
        seed: seed of the decoding.
        codes_from: for a model of codes, the trained ADA `.keras` files
            (bottom first).

    Returns:
        The results: NLL in nats per timestep, code perplexity, fidelity.

    Example:

    ```python
    results = keras_ada.runner.evaluate_run("runs/3.7", seconds=60, row="3.7")
    ```
    """
    from keras_ada import evaluation

    trained_on = run_data(run)
    if trained_on and not trained_on["synthetic"]:
        config = config or trained_on["config"]
        data_dir = data_dir or trained_on["data_dir"]
    results = evaluation.evaluate(
        run,
        split=split,
        data_dir=data_dir,
        config=config or "embedded",
        seconds=seconds,
        batch_size=batch_size,
        fidelity_excerpts=fidelity_excerpts,
        fidelity_seconds=fidelity_seconds,
        seed=seed,
        below=list(codes_from),
    )
    output = output or os.path.join(
        os.path.dirname(run) if run.endswith(".keras") else run, "evaluation"
    )
    paths = evaluation.write_results(
        output, results, row=row, name=os.path.basename(run.rstrip("/"))
    )
    print(json.dumps(results, indent=2))
    print(f"Wrote {paths[0]} and {paths[1]}")
    return results
