"""Building a config of the piano data (`piano_dataset`, TFDS) from the package."""

import os

from keras_ada.runner.errors import UserError


def build_data(
    config: str = "embedded",
    data_dir: str | None = None,
    manual_dir: str | None = None,
) -> str:
    """Builds a config of `piano_dataset` into a TFDS data directory.

    The builder is `keras_ada.datasets.piano_dataset`, so the data builds from
    an installed keras-ada, in any directory. Building again a config already
    built does nothing.

    Args:
        config: `"embedded"` (public-domain scores rendered with FluidSynth),
            `"embedded_mini"` (a few minutes of them) or `"recordings"` (your
            own, from `manual_dir`).
        data_dir: TFDS data directory (default: TFDS's, `~/tensorflow_datasets`
            or `$TFDS_DATA_DIR`).
        manual_dir: for `"recordings"`, the folder of your recordings.

    Returns:
        The directory of the built config.

    Example:

    ```python
    keras_ada.runner.build_data("embedded_mini", data_dir="demo/data")
    ```
    """
    import tensorflow_datasets as tfds

    if config == "recordings" and manual_dir is None:
        raise UserError(
            "--config recordings builds your own recordings: give their folder "
            "with --manual-dir."
        )
    if manual_dir is not None and not os.path.isdir(manual_dir):
        raise UserError(f"--manual-dir {manual_dir}: no such directory.")
    try:
        from apache_beam.options.pipeline_options import PipelineOptions

        from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder
    except ImportError as error:
        raise UserError(
            f"Building the data needs {error.name}: `pip install 'keras-ada[data]'`."
        ) from None
    builder = piano_dataset_dataset_builder.Builder(config=config, data_dir=data_dir)
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(
            manual_dir=manual_dir, beam_options=PipelineOptions([])
        )
    )
    print(f"Built piano_dataset/{config} in {builder.data_dir}")
    return builder.data_dir
