"""Training: data-parallel set-up, resumable checkpoints, TensorBoard, evaluation,
divergence and codebook-collapse monitoring, one run per output directory.

The batches it trains on come from `keras_ada.data`.
"""

from keras_ada.io_utils import write_json
from keras_ada.training.checkpoint import ResumableCheckpoint
from keras_ada.training.codebook_health import CodebookMonitor
from keras_ada.training.distribution import Distribution
from keras_ada.training.distribution import initialize_processes
from keras_ada.training.distribution import select_distribution
from keras_ada.training.divergence import StopOnDivergence
from keras_ada.training.divergence import TrainingDiverged
from keras_ada.training.run_lock import RunLock
from keras_ada.training.run_lock import RunLocked
from keras_ada.training.tensorboard import TensorBoard
from keras_ada.training.trainer import evaluate
from keras_ada.training.trainer import train

__all__ = [
    "CodebookMonitor",
    "Distribution",
    "ResumableCheckpoint",
    "RunLock",
    "RunLocked",
    "StopOnDivergence",
    "TensorBoard",
    "TrainingDiverged",
    "evaluate",
    "initialize_processes",
    "select_distribution",
    "train",
    "write_json",
]
