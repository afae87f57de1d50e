"""Input pipelines: piano excerpts, code sequences and synthetic tones.

`excerpts` cuts random mu-law excerpts of the prepared TFDS `piano_dataset`;
`encode_split` turns a split into code sequences through a stack's trained
levels, stored on disk, and `code_excerpts` reads them back as excerpts, for the
level above; `synthetic_excerpts` stands in for the piano data in smoke runs.
"""

from keras_ada.data.codes import code_batches
from keras_ada.data.codes import code_excerpts
from keras_ada.data.codes import code_metadata
from keras_ada.data.codes import encode_split
from keras_ada.data.codes import encoded_code_excerpts
from keras_ada.data.excerpts import excerpts
from keras_ada.data.piano import load_builder
from keras_ada.data.piano import recordings
from keras_ada.data.synthetic import synthetic_batches
from keras_ada.data.synthetic import synthetic_excerpts

__all__ = [
    "code_batches",
    "code_excerpts",
    "code_metadata",
    "encode_split",
    "encoded_code_excerpts",
    "excerpts",
    "load_builder",
    "recordings",
    "synthetic_batches",
    "synthetic_excerpts",
]
