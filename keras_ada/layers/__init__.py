"""Backend-agnostic, serialisable Keras layers."""

from keras_ada.layers.argmax_quantiser import ArgmaxQuantiser
from keras_ada.layers.dilated_residual_stack import DilatedResidualStack
from keras_ada.layers.input_representation import InputRepresentation
from keras_ada.layers.matmul_conv1d import MatmulConv1D
from keras_ada.layers.perplexity import codebook_perplexity
from keras_ada.layers.residual_gated_block import ResidualGatedBlock
from keras_ada.layers.vector_quantiser import VectorQuantiser

__all__ = [
    "ArgmaxQuantiser",
    "DilatedResidualStack",
    "InputRepresentation",
    "MatmulConv1D",
    "ResidualGatedBlock",
    "VectorQuantiser",
    "codebook_perplexity",
]
