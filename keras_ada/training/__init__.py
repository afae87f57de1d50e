"""Training: data-parallel set-up, resumable checkpoints, TensorBoard, evaluation.

The batches it trains on come from `keras_ada.data`.
"""

from keras_ada.training.checkpoint import ResumableCheckpoint
from keras_ada.training.distribution import Distribution
from keras_ada.training.distribution import select_distribution
from keras_ada.training.tensorboard import TensorBoard
from keras_ada.training.trainer import evaluate
from keras_ada.training.trainer import train
from keras_ada.training.trainer import write_json

__all__ = [
    "Distribution",
    "ResumableCheckpoint",
    "TensorBoard",
    "evaluate",
    "select_distribution",
    "train",
    "write_json",
]
