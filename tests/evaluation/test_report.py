"""The listening report: every referenced file exists, and Chromium renders it."""

import os
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

from keras_ada.audio import write_wav
from keras_ada.evaluation import write_results
from keras_ada.report import write_report

# Files, HTML and a browser: no backend code.
pytestmark = pytest.mark.backend_neutral

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def report(tmp_path):
    import tensorflow as tf

    run = tmp_path / "runs" / "1.2"
    writer = tf.summary.create_file_writer(str(run / "logs" / "train"))
    with writer.as_default():
        for step in range(5):
            tf.summary.scalar("epoch_nll", 5.0 - step, step=step)
            tf.summary.scalar("epoch_loss", 5.5 - step, step=step)
    writer.flush()
    fidelity = {"reconstruction": {"distance": 1.0}, "floor": {"distance": 3.0}}
    results = {
        "nll": 2.5,
        "timesteps": 100,
        "perplexity_per_second": 40.0,
        "perplexity_pooled": 60.0,
        "fidelity": fidelity,
    }
    write_results(str(run / "evaluation"), results, row="1.2", name="1.2")
    audio = tmp_path / "audio"
    audio.mkdir()
    tone = 0.3 * np.sin(np.arange(8000) / 10.0)
    for name in ("sample_0", "excerpt_original", "excerpt_reconstruction"):
        write_wav(str(audio / f"{name}.wav"), tone, 16000)
    return write_report([str(run)], str(tmp_path / "report"), [str(audio)])


def test_every_referenced_file_exists(report):
    page = open(report).read()
    references = re.findall(r"src='([^']+)'", page)
    assert len([r for r in references if r.endswith(".wav")]) == 3
    assert any(r.endswith(".png") and "curves" in r for r in references)
    for reference in references:
        assert not os.path.isabs(reference) and ".." not in reference
        assert os.path.getsize(os.path.join(os.path.dirname(report), reference)) > 0
    assert "0.734" in page  # the paper's eval NLL of row 1.2, beside ours
    assert "Original and reconstruction" in page and "Unconditional sample" in page


def chromium(*arguments):
    profile = tempfile.mkdtemp()
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
            + ["--disable-background-networking", "--disable-component-update"]
            + ["--disable-sync", "--no-first-run", f"--user-data-dir={profile}"]
            + list(arguments),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_page_renders_in_chromium(report, tmp_path):
    url = "file://" + os.path.abspath(report)
    dom = chromium("--dump-dom", url).stdout
    assert "<h1>keras-ada report</h1>" in dom
    assert len(re.findall(r"<audio[^>]*controls", dom)) == 3
    screenshot = tmp_path / "report.png"
    chromium(f"--screenshot={screenshot}", "--window-size=1200,2000", url)
    assert screenshot.stat().st_size > 10_000
