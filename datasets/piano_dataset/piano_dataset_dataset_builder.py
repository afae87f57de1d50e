"""`tfds build piano_dataset` from `datasets/`: the installed builder.

TFDS loads the builder defined in this module; it is the one of
`keras_ada.datasets.piano_dataset`, which also holds its metadata (README,
citations, tags) and the repertoire.
"""

from etils import epath

from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder as package


class Builder(package.Builder):
    """`keras_ada.datasets.piano_dataset`'s builder, found by TFDS in this folder."""

    pkg_dir_path = epath.Path(package.__file__).parent
