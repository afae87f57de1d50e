"""The TFDS builders of keras-ada's data, importable from the installed package.

`keras_ada.datasets.piano_dataset` holds the `piano_dataset` builder; importing
its `piano_dataset_dataset_builder` module registers it with TFDS, so that it
builds anywhere: `keras-ada data build` or `tfds build piano_dataset --imports
keras_ada.datasets.piano_dataset.piano_dataset_dataset_builder`.
"""
