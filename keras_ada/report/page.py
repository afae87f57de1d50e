"""A static listening report: evaluation tables, training curves, audio players.

`write_report` writes `index.html` and the files it references into one
directory (relative paths only, so the directory can be moved or served as is).
"""

import html
import json
import os
import shutil

from keras_ada.audio import SAMPLE_RATE
from keras_ada.evaluation.table import HEADER
from keras_ada.evaluation.table import markdown_lines
from keras_ada.report.curves import plot_curves
from keras_ada.report.curves import read_scalars
from keras_ada.runner.run_data import run_data

FIDELITY_HEADER = ["through", "measure", "reconstruction", "floor"]

STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;"
    "padding:.3em .6em;font-size:90%}img{max-width:100%}"
    ".clip{margin:1em 0;padding:.5em;border:1px solid #ddd}"
)


def write_report(runs, output: str, audio_dirs=(), title="keras-ada report") -> str:
    """Writes the report of trained runs to `output/index.html`.

    Args:
        runs: run or stack directories (as `keras-ada train` writes them); each
            one's `evaluation/evaluation.json` (`keras-ada evaluate`) gives its
            table, its `logs/` folders its training curves.
        output: the report's directory.
        audio_dirs: directories of WAV files to listen to: `<name>_original.wav`
            beside `<name>_reconstruction*.wav` make a reconstruction pair, any
            other WAV is an unconditional sample.
        title: the page's title.

    Returns:
        The path of `index.html`.
    """
    os.makedirs(output, exist_ok=True)
    body = [f"<h1>{html.escape(title)}</h1>"]
    for index, run in enumerate(runs):
        body += _run_section(run, output, f"run{index}")
    for index, directory in enumerate(audio_dirs):
        body += _audio_section(directory, output, f"audio{index}")
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        "<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    path = os.path.join(output, "index.html")
    with open(path, "w") as file:
        file.write(page)
    return path


def _run_section(run, output, key):
    name = os.path.basename(os.path.normpath(run))
    parts = [f"<h2>Model {html.escape(name)}</h2>"]
    evaluation = os.path.join(run, "evaluation", "evaluation.json")
    if os.path.exists(evaluation):
        with open(evaluation) as file:
            saved = json.load(file)
        lines = markdown_lines(saved["results"], saved.get("row"), name)
        parts.append(_table(HEADER[:-1], [line[:-1] for line in lines]))
        parts.append(
            "<p>NLL in nats per timestep over full-context positions of the whole "
            "eval split; perplexity per one-second sequence (as the paper's Table 1) "
            "and pooled over all codes.</p>"
        )
        fidelity = _fidelity_rows(saved["results"].get("fidelity"))
        if fidelity:
            parts.append(_table(FIDELITY_HEADER, fidelity))
            parts.append(
                "<p>Fidelity of reconstructions beside its floor: the same measure "
                "between the excerpt and an unrelated one.</p>"
            )
    else:
        parts.append(
            f"<p>Not evaluated: run <code>keras-ada evaluate {html.escape(run)}</code>.</p>"
        )
    trained_on = run_data(run)
    if trained_on:
        data = (
            "synthetic tones"
            if trained_on["synthetic"]
            else f"piano_dataset/{trained_on['config']}"
            + (f" in {trained_on['data_dir']}" if trained_on["data_dir"] else "")
        )
        parts.append(f"<p>Trained on {html.escape(data)}.</p>")
    for index, log_dir in enumerate(_log_dirs(run)):
        label = os.path.relpath(os.path.dirname(log_dir), run)
        label = name if label == "." else f"{name}/{label}"
        image = f"{key}_curves{index}.png"
        series = read_scalars(log_dir)
        interval = _steps_per_interval(os.path.dirname(log_dir))
        if plot_curves(series, os.path.join(output, image), label, interval):
            parts.append(f"<h3>Training curves: {html.escape(label)}</h3>")
            parts.append(
                f"<img src='{image}' alt='training curves of {html.escape(label)}'>"
            )
    return parts


def _audio_section(directory, output, key):
    from keras_ada.audio import read_audio
    from keras_ada.audio import save_spectrogram

    names = sorted(name for name in os.listdir(directory) if name.endswith(".wav"))
    originals = {
        name[: -len("_original.wav")]
        for name in names
        if name.endswith("_original.wav")
    }
    groups = {}
    for name in names:
        stem = name[:-4]
        base = next((o for o in originals if stem.startswith(o + "_")), None)
        groups.setdefault(base or stem, []).append(name)
    parts = [
        f"<h2>Audio: {html.escape(os.path.basename(os.path.normpath(directory)))}</h2>"
    ]
    for base, files in sorted(groups.items()):
        heading = (
            "Original and reconstruction"
            if base in originals
            else "Unconditional sample"
        )
        files.sort(key=lambda name: (not name.endswith("_original.wav"), name))
        waveforms = {}
        parts.append(f"<div class='clip'><h3>{heading}: {html.escape(base)}</h3>")
        for name in files:
            copy = f"{key}_{name}"
            shutil.copyfile(os.path.join(directory, name), os.path.join(output, copy))
            waveforms[name[:-4]] = read_audio(os.path.join(directory, name))
            parts.append(
                f"<p>{html.escape(name)}<br><audio controls preload='metadata' "
                f"src='{copy}'></audio></p>"
            )
        image = f"{key}_{base}.png"
        save_spectrogram(os.path.join(output, image), waveforms, SAMPLE_RATE)
        parts.append(
            f"<img src='{image}' alt='spectrograms of {html.escape(base)}'></div>"
        )
    return parts


def _fidelity_rows(fidelity, levels="all levels"):
    """Rows of `FIDELITY_HEADER`: per levels and measure, the value and floor."""
    if not fidelity:
        return []
    if "reconstruction" not in fidelity:
        return [
            row
            for name, scores in fidelity.items()
            for row in _fidelity_rows(scores, name.replace("_", " "))
        ]
    return [
        [levels, measure, f"{value:.3f}", f"{fidelity['floor'][measure]:.3f}"]
        for measure, value in fidelity["reconstruction"].items()
    ]


def _steps_per_interval(run_dir):
    """The steps between checkpoints of a run, from its checkpoint's state."""
    path = os.path.join(run_dir, "checkpoint", "state.json")
    if not os.path.exists(path):
        return None
    with open(path) as file:
        return json.load(file).get("steps_per_epoch")


def _log_dirs(run):
    return sorted(
        os.path.join(folder, "logs")
        for folder, subfolders, _ in os.walk(run)
        if "logs" in subfolders
    )


def _table(header, lines):
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in line) + "</tr>"
        for line in lines
    )
    return f"<table><tr>{head}</tr>{rows}</table>"
