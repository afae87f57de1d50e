"""`keras-ada sample`: sample audio from a trained stack or WaveNet.

Examples:

    keras-ada sample runs/3.7 --seconds 10 --batch-size 4 --output samples/3.7
    keras-ada sample runs/3.1/model.keras --seconds 2 --temperature 0.95 --output samples/3.1
    keras-ada sample vqvae_amae_wavenet --scale tiny --seconds 1 --output /tmp/untrained

MODEL is a stack directory (written by `keras-ada train ... --level i` or
`Stack.save`), a WaveNet `.keras` file modelling audio, or a zoo name (built with
untrained weights, for trying the pipeline). A stack samples its prior's codes
and decodes them level by level down to audio.

Writes, per sample, `sample_<i>.wav` (16-bit PCM at 16 kHz) and `sample_<i>.png`
(its spectrogram), and `samples.json` (the settings).
"""

import argparse
import os
import time


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "sample",
        help="sample audio from a trained stack or WaveNet",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model", help="stack directory, WaveNet .keras file or zoo name"
    )
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="duration per sample"
    )
    parser.add_argument("--batch-size", type=int, default=1, help="number of samples")
    parser.add_argument(
        "--temperature",
        type=float,
        nargs="+",
        default=[1.0],
        help="sampling temperature (0: greedy); for a stack one value, or one per "
        "model: levels bottom first, then the prior",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--scale", default="paper", help="scale of a zoo name")
    parser.add_argument(
        "--sample-rate", type=int, default=16000, help="audio sample rate"
    )
    return parser


def load(spec: str, scale: str = "paper"):
    """Loads a stack directory, a `.keras` model or a zoo model (untrained)."""
    import keras

    from keras_ada import zoo
    from keras_ada.models import Stack
    from keras_ada.models import StackDirectory
    from keras_ada.models import build_model

    if os.path.isdir(spec):
        if not StackDirectory(spec).exists():
            raise SystemExit(f"{spec!r} is a directory but not a stack directory.")
        return Stack.load(spec, compile=False)
    if os.path.isfile(spec):
        return keras.saving.load_model(spec, compile=False)
    try:
        model = zoo.load(spec, scale=scale)
    except (KeyError, ValueError) as error:
        raise SystemExit(
            f"{spec!r} is neither a file, a stack directory nor a zoo model: {error}"
        )
    print(f"{spec} ({scale} scale) has untrained weights.")
    for part in getattr(model, "models", [model]):
        build_model(part)
    return model


def run(args):
    import keras
    import numpy as np

    from keras_ada.audio import mu_law_decode
    from keras_ada.audio import save_spectrogram
    from keras_ada.audio import write_wav
    from keras_ada.io_utils import write_json
    from keras_ada.models import Stack
    from keras_ada.models import WaveNet

    keras.utils.set_random_seed(args.seed)
    model = load(args.model, args.scale)
    start = time.perf_counter()
    if isinstance(model, Stack):
        temperatures = (
            args.temperature[0] if len(args.temperature) == 1 else args.temperature
        )
        audio = model.sample(
            args.seconds,
            batch_size=args.batch_size,
            temperatures=temperatures,
            seed=args.seed,
            sample_rate=args.sample_rate,
        )
    elif isinstance(model, WaveNet) and model.input_format != "embedding":
        if len(args.temperature) != 1:
            raise SystemExit("A WaveNet takes one --temperature.")
        steps = int(np.ceil(args.seconds * args.sample_rate))
        audio = model.generate(
            steps,
            batch_size=args.batch_size,
            temperature=args.temperature[0],
            seed=args.seed,
        )
    else:
        raise SystemExit(
            f"{args.model} does not model audio on its own (a {type(model).__name__} "
            "of codes or an ADA): sample its stack, or use `keras-ada reconstruct`."
        )
    elapsed = time.perf_counter() - start
    waveforms = keras.ops.convert_to_numpy(mu_law_decode(audio))
    os.makedirs(args.output, exist_ok=True)
    for index, waveform in enumerate(waveforms):
        name = os.path.join(args.output, f"sample_{index:03d}")
        write_wav(f"{name}.wav", waveform, args.sample_rate)
        save_spectrogram(f"{name}.png", {f"sample {index}": waveform}, args.sample_rate)
    settings = dict(
        model=args.model,
        seconds=audio.shape[1] / args.sample_rate,
        batch_size=args.batch_size,
        temperature=args.temperature,
        seed=args.seed,
        sample_rate=args.sample_rate,
        sampling_seconds=round(elapsed, 3),
    )
    write_json(os.path.join(args.output, "samples.json"), settings)
    print(
        f"Wrote {len(waveforms)} samples of {settings['seconds']:.2f} s to {args.output} "
        f"(sampled in {elapsed:.1f} s)."
    )
    return 0
