"""Build time of the `recordings` config: one Beam worker against several.

Writes a corpus of synthetic recordings (about an hour in about 100 files, at
mixed sample rates, channel counts and formats, a few of them broken) and
builds it with `piano_dataset`'s Beam pipeline twice: on Beam's DirectRunner in
this process (one worker, serial) and on the DirectRunner with several worker
processes (`direct_running_mode=multi_processing`). Prints wall time and ingest
throughput (seconds of audio per second of wall time), and checks that both
builds hold the same examples.

Run by hand:

    python benchmarks/data_build.py
    python benchmarks/data_build.py --files 20 --seconds 30 --workers 2
"""

import argparse
import pathlib
import tempfile
import time

import numpy as np
import soundfile
import tensorflow_datasets as tfds
from apache_beam.options.pipeline_options import PipelineOptions

from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder

# (sample rate, channels, soundfile format, subtype), in turn.
FORMATS = [
    (44100, 2, "FLAC", "PCM_16"),
    (48000, 1, "WAV", "PCM_24"),
    (22050, 1, "OGG", "VORBIS"),
    (16000, 1, "WAV", "PCM_16"),
]


def write_corpus(folder, files, seconds, bad, seed=0):
    """Writes `files` recordings of `seconds` each, `bad` of them broken."""
    rng = np.random.default_rng(seed)
    for index in range(files):
        path = folder / f"composer_{index % 5}" / f"piece_{index:03d}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if index < bad:
            path.with_suffix(".wav").write_bytes(rng.bytes(2000))
            continue
        rate, channels, fmt, subtype = FORMATS[index % len(FORMATS)]
        time_axis = np.arange(round(seconds * rate)) / rate
        pitches = rng.uniform(100, 1000, size=8)
        audio = sum(
            0.05 * np.sin(2 * np.pi * f * time_axis) * np.exp(-((time_axis % 2) * 2))
            for f in pitches
        )
        audio = np.repeat(audio[:, None], channels, axis=1)
        suffix = {"FLAC": ".flac", "WAV": ".wav", "OGG": ".ogg"}[fmt]
        soundfile.write(
            path.with_suffix(suffix), audio, rate, format=fmt, subtype=subtype
        )


def build(folder, data_dir, options):
    builder = piano_dataset_dataset_builder.Builder(
        config="recordings", data_dir=str(data_dir)
    )
    start = time.perf_counter()
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(
            manual_dir=str(folder), beam_options=options
        )
    )
    wall = time.perf_counter() - start
    examples = set()
    for split in builder.info.splits:
        for example in tfds.as_numpy(builder.as_dataset(split=split)):
            examples.add((split, example["id"].decode(), example["audio"].tobytes()))
    return wall, examples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=36.0)
    parser.add_argument("--bad", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        folder = work / "recordings"
        write_corpus(folder, args.files, args.seconds, args.bad)
        audio_seconds = (args.files - args.bad) * args.seconds
        print(
            f"corpus: {args.files} files ({args.bad} broken), "
            f"{audio_seconds / 3600:.2f} h of audio"
        )
        runs = {
            "DirectRunner, 1 worker (in process)": PipelineOptions(
                direct_num_workers=1, direct_running_mode="in_memory"
            ),
            f"DirectRunner, {args.workers} worker processes": PipelineOptions(
                direct_num_workers=args.workers,
                direct_running_mode="multi_processing",
            ),
        }
        print(f"{'build':42} {'wall s':>8} {'audio s / wall s':>17}")
        outputs = []
        for index, (name, options) in enumerate(runs.items()):
            wall, examples = build(folder, work / f"data_{index}", options)
            outputs.append(examples)
            print(f"{name:42} {wall:8.1f} {audio_seconds / wall:17.1f}")
        print("same examples in both builds:", outputs[0] == outputs[1])


if __name__ == "__main__":
    main()
