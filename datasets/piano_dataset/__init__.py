"""`piano_dataset` for `cd datasets && tfds build piano_dataset`.

The builder's code is `keras_ada.datasets.piano_dataset` (installed with
keras-ada); this folder holds the TFDS entry point, its tests and dummy data.
"""
