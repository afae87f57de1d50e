"""Encoding real audio through a stack's levels (or an ADA) and decoding it back."""

import os
from collections.abc import Sequence

from keras_ada.runner.errors import UserError
from keras_ada.runner.load import load_model
from keras_ada.runner.run_data import run_data
from keras_ada.runner.temperatures import temperatures


def reconstruct_files(
    model,
    audio: Sequence[str],
    output: str,
    *,
    seconds: float = 4.0,
    offset: float = 0.0,
    levels: int | None = None,
    temperature: float | Sequence[float] = 1.0,
    seed: int = 0,
    scale: str = "paper",
) -> dict[str, str]:
    """Reconstructs audio files through a stack or an ADA and writes the results.

    Each file (any format libsndfile reads; mixed to mono and resampled to
    16 kHz) is cut to `seconds` from `offset`, trimmed to a whole number of
    codes, mu-law encoded, encoded by the levels (all of them, or the first
    `levels`) and decoded back by sampling every level's local model top
    down. Writes, per file, `<name>_original.wav`,
    `<name>_reconstruction.wav` and `<name>.png` (both spectrograms). A file
    that cannot be reconstructed is skipped; the model is not loaded when
    none can be read.

    Args:
        model: a `keras_ada.models.Stack`, an ADA, or what `load_model`
            loads: a stack directory, a `.keras` file or a zoo name.
        audio: paths of the audio files; none reconstructs an excerpt of
            the eval split of the data that `model`, a run, trained on
            (written to `output/eval_excerpt.wav`).
        output: output directory.
        seconds: excerpt duration.
        offset: excerpt start, in seconds.
        levels: levels to go through (default: all).
        temperature: decoder temperature (0: greedy); one value, or one per
            model of the stack (levels bottom first, then the prior, whose
            value is unused).
        seed: random seed.
        scale: the zoo scale of a zoo name.

    Returns:
        The error of each file that was not reconstructed, by path (empty
        when every file was).

    Example:

    ```python
    errors = keras_ada.runner.reconstruct_files(
        "runs/3.7", ["recording.flac"], "recon/3.7", seconds=4
    )
    ```
    """
    import keras

    if not audio:
        audio = [_excerpt_of_the_run(model, output, seconds)]
    errors = {}
    readable = []
    for path in audio:
        try:
            check_audio_file(path)
            readable.append(path)
        except UserError as error:
            errors[path] = str(error)
    if not readable:
        return errors
    keras.utils.set_random_seed(seed)
    name = model if isinstance(model, str) else type(model).__name__
    if isinstance(model, str):
        model = load_model(model, scale)
    reconstruct, hop = _reconstruction(model, name, levels, temperature, seed)
    for path in readable:
        try:
            _reconstruct_file(path, reconstruct, hop, output, offset, seconds)
        except UserError as error:
            errors[path] = str(error)
    return errors


def check_audio_file(path: str):
    """Raises `UserError` unless `path` is an audio file libsndfile can read."""
    import soundfile

    if os.path.isdir(path):
        raise UserError(f"{path} is a directory: give its audio files ({path}/*.wav).")
    if not os.path.isfile(path):
        raise UserError(f"{path}: no such file.")
    try:
        soundfile.info(path)
    except (soundfile.LibsndfileError, RuntimeError):
        raise UserError(
            f"{path}: not an audio file libsndfile can read (WAV, FLAC, OGG, ...)."
        ) from None


def _reconstruction(model, name, levels, temperature, seed):
    """`reconstruct(classes) -> classes` through `model`, and its hop."""
    from keras_ada.models import ADA
    from keras_ada.models import Stack

    temperature = temperatures(temperature)
    if isinstance(model, Stack):
        levels = model.num_levels if levels is None else levels

        def reconstruct(classes):
            return model.reconstruct(
                classes, num_levels=levels, temperatures=temperature, seed=seed
            )

        return reconstruct, model.input_hop(levels)
    if isinstance(model, ADA):
        if levels not in (None, 1):
            raise UserError("An ADA has one level: --levels must be 1.")
        if not isinstance(temperature, (int, float)):
            raise UserError("An ADA takes one --temperature.")

        def reconstruct(classes):
            return model.decode(
                model.encode(classes), temperature=temperature, seed=seed
            )

        return reconstruct, model.hop
    raise UserError(f"{name} is a {type(model).__name__}: give a stack or an ADA.")


def _reconstruct_file(path, reconstruct, hop, output, offset, seconds):
    import keras
    import numpy as np

    from keras_ada.audio import SAMPLE_RATE
    from keras_ada.audio import mu_law_decode
    from keras_ada.audio import mu_law_encode
    from keras_ada.audio import read_audio
    from keras_ada.audio import save_spectrogram
    from keras_ada.audio import write_wav

    waveform = read_audio(path, offset, seconds)
    waveform = waveform[: len(waveform) // hop * hop]
    if not len(waveform):
        raise UserError(
            f"{path}: shorter than one code ({hop} samples) after the offset."
        )
    os.makedirs(output, exist_ok=True)
    classes = keras.ops.convert_to_numpy(mu_law_encode(waveform[None]))
    reconstruction = reconstruct(classes)
    waveforms = {
        kind: keras.ops.convert_to_numpy(mu_law_decode(values))[0]
        for kind, values in (("original", classes), ("reconstruction", reconstruction))
    }
    name = os.path.splitext(os.path.basename(path))[0]
    for kind, values in waveforms.items():
        write_wav(os.path.join(output, f"{name}_{kind}.wav"), values, SAMPLE_RATE)
    save_spectrogram(os.path.join(output, f"{name}.png"), waveforms, SAMPLE_RATE)
    equal = float(np.mean(reconstruction == classes))
    print(
        f"{path}: {len(waveform) / SAMPLE_RATE:.2f} s reconstructed ({equal:.1%} of "
        f"the mu-law classes equal the original); written to {output}"
    )


def write_real_excerpt(
    path: str, seconds: float, data_dir: str | None, config: str
) -> str:
    """Writes an excerpt of the eval split (its second window: past any intro).

    Args:
        path: the WAV file to write.
        seconds: the excerpt's duration.
        data_dir: TFDS data directory of piano_dataset.
        config: piano_dataset builder config.

    Returns:
        `path`.
    """
    import numpy as np

    from keras_ada.audio import SAMPLE_RATE
    from keras_ada.audio import mu_law_decode
    from keras_ada.audio import write_wav
    from keras_ada.data import excerpts

    windows = excerpts(
        "eval",
        int(seconds * SAMPLE_RATE),
        batch_size=1,
        data_dir=data_dir,
        config=config,
        repeat=False,
    )
    classes = None
    for classes in windows.take(2):
        pass
    if classes is None:
        raise UserError(f"The eval split of piano_dataset/{config} has no audio.")
    waveform = mu_law_decode(np.asarray(classes), xp=np)[0]
    write_wav(path, waveform, SAMPLE_RATE)
    return path


def _excerpt_of_the_run(model, output, seconds):
    """Writes an eval excerpt of the piano data the run `model` trained on."""
    trained_on = run_data(model) if isinstance(model, str) else {}
    if not trained_on or trained_on["synthetic"]:
        raise UserError(
            f"give the audio files to reconstruct: {model!r} is not a run that "
            "trained on piano data (no data.json)."
        )
    os.makedirs(output, exist_ok=True)
    return write_real_excerpt(
        os.path.join(output, "eval_excerpt.wav"),
        seconds,
        trained_on["data_dir"],
        trained_on["config"],
    )
