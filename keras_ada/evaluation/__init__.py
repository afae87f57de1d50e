"""Measuring models as the paper does, and what a listener needs to judge them.

`evaluate` scores a trained model or stack on a whole split: full-context NLL,
per-second and pooled code perplexity, reconstruction fidelity (with the floor
of an unrelated excerpt); `write_results` writes them as JSON and markdown.
"""

from keras_ada.evaluation.evaluate import evaluate
from keras_ada.evaluation.evaluate import load_run
from keras_ada.evaluation.perplexity import per_second_perplexity
from keras_ada.evaluation.perplexity import pooled_perplexity
from keras_ada.evaluation.results import write_results

__all__ = [
    "evaluate",
    "load_run",
    "per_second_perplexity",
    "pooled_perplexity",
    "write_results",
]
