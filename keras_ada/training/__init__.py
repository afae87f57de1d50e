"""Training: data-parallel set-up, resumable checkpoints, TensorBoard, evaluation."""

from keras_ada.training.checkpoint import ResumableCheckpoint
from keras_ada.training.data import (
    LevelsEncoder,
    audio_excerpts,
    code_batches,
    encoded_code_excerpts,
    synthetic_excerpts,
)
from keras_ada.training.distribution import Distribution, select_distribution
from keras_ada.training.tensorboard import TensorBoard
from keras_ada.training.trainer import evaluate, train, write_json

__all__ = [
    "Distribution",
    "LevelsEncoder",
    "ResumableCheckpoint",
    "TensorBoard",
    "audio_excerpts",
    "code_batches",
    "encoded_code_excerpts",
    "evaluate",
    "select_distribution",
    "synthetic_excerpts",
    "train",
    "write_json",
]
