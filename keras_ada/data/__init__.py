"""Input pipelines: piano excerpts and code sequences as `tf.data` datasets.

`excerpts` cuts random mu-law excerpts of the prepared TFDS `piano_dataset`;
`encode_split` turns a split into code sequences with a trained ADA, stored on
disk, and `code_excerpts` reads them back as excerpts, for the level above.
"""

from keras_ada.data.codes import code_excerpts
from keras_ada.data.codes import code_metadata
from keras_ada.data.codes import encode_split
from keras_ada.data.excerpts import excerpts
from keras_ada.data.piano import load_builder
from keras_ada.data.piano import recordings

__all__ = [
    "code_excerpts",
    "code_metadata",
    "encode_split",
    "excerpts",
    "load_builder",
    "recordings",
]
