"""A static web page to judge trained runs by ear and by number."""

from collections.abc import Sequence


def report_runs(
    runs: Sequence[str],
    output: str,
    *,
    audio: Sequence[str] = (),
    title: str = "keras-ada report",
) -> str:
    """Writes the listening report of trained runs to `output/index.html`.

    Per run: its evaluation table beside the paper's (from `evaluate_run`)
    and its training curves (from the TensorBoard logs); per folder of
    `audio`, players with spectrograms (`<name>_original.wav` with
    `<name>_reconstruction*.wav` as pairs, other WAV files as samples). See
    `keras_ada.report.write_report`.

    Args:
        runs: run or stack directories.
        output: the report's directory.
        audio: folders of WAV files to listen to.
        title: the page's title.

    Returns:
        The path of `index.html`.

    Example:

    ```python
    keras_ada.runner.report_runs(["runs/3.7"], "report", audio=["samples/3.7"])
    ```
    """
    from keras_ada.report import write_report

    path = write_report(list(runs), output, list(audio), title)
    print(f"Report: {path}")
    return path
