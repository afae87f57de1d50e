"""Watching the codebook of a quantised autoencoder during training."""

import logging

import keras

COLLAPSE_FRACTION = 0.1

logger = logging.getLogger(__name__)


class CodebookMonitor(keras.callbacks.Callback):
    """Warns when the codebook collapses; logs the number of restarted codes.

    At the end of every epoch, when the logs hold the model's `perplexity`
    (the ADA models log it), a perplexity below `collapse_fraction` of the
    codebook size (`model.num_codes`) gives a warning, once per run. When the
    model's quantiser restarts unused codes (`VectorQuantiser(restart_unused=
    ...)`), the number restarted so far is added to the logs as
    `codebook_restarts`, for the callbacks after this one (TensorBoard).

    Args:
        collapse_fraction: fraction of the codebook below which the
            perplexity counts as collapsed.
    """

    def __init__(self, collapse_fraction: float = COLLAPSE_FRACTION):
        super().__init__()
        self.collapse_fraction = collapse_fraction
        self._warned = False

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        restarts = getattr(
            getattr(self.model, "quantiser", None), "restart_count", None
        )
        if restarts is not None:
            logs["codebook_restarts"] = float(keras.ops.convert_to_numpy(restarts))
        num_codes = getattr(self.model, "num_codes", None)
        perplexity = logs.get("perplexity")
        if self._warned or num_codes is None or perplexity is None:
            return
        if float(perplexity) < self.collapse_fraction * num_codes:
            self._warned = True
            logger.warning(
                f"The codebook has collapsed: perplexity {float(perplexity):.1f} of "
                f"{num_codes} codes after epoch {epoch + 1}. Consider "
                "`VectorQuantiser(restart_unused=...)` or a smaller learning rate."
            )
