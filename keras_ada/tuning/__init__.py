"""Population based training (Ray Tune) of the VQ-VAE's alpha and beta.

Requires the `tune` extra: `pip install keras-ada[tune]`.
"""

from keras_ada.tuning.population import Schedule
from keras_ada.tuning.population import Task
from keras_ada.tuning.population import tune
from keras_ada.tuning.trial import HeldOutFitness
from keras_ada.tuning.trial import training_fitness

__all__ = ["HeldOutFitness", "Schedule", "Task", "training_fitness", "tune"]
