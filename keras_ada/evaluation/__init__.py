"""Measures of trained models, as the paper measures them and as a listener would.

`evaluate` scores a trained model or stack on a whole split: full-context NLL,
per-second and pooled code perplexity, and reconstruction fidelity (the
`fidelity` measures: how much of the music a reconstruction keeps, beside the
floor of an unrelated excerpt); `write_results` writes them as JSON and markdown.
"""

from keras_ada.evaluation.evaluate import evaluate
from keras_ada.evaluation.evaluate import load_run
from keras_ada.evaluation.fidelity import MEASURES
from keras_ada.evaluation.fidelity import fidelity_floor
from keras_ada.evaluation.fidelity import matched_noise
from keras_ada.evaluation.fidelity import reconstruction_fidelity
from keras_ada.evaluation.perplexity import per_second_perplexity
from keras_ada.evaluation.results import write_results

__all__ = [
    "MEASURES",
    "evaluate",
    "fidelity_floor",
    "load_run",
    "matched_noise",
    "per_second_perplexity",
    "reconstruction_fidelity",
    "write_results",
]
