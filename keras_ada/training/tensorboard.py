"""TensorBoard logging whose step axis survives a resumed run."""

import importlib.util

import keras


def tensorboard_available() -> bool:
    """Whether the `tensorboard` package, which writes the summaries, is installed."""
    return importlib.util.find_spec("tensorboard") is not None


class TensorBoard(keras.callbacks.TensorBoard):
    """`keras.callbacks.TensorBoard` that numbers batches by the optimizer's step.

    Keras numbers the batch-level summaries (`batch_loss`, `batch_nll`,
    `batch_perplexity`, every `update_freq` steps) from zero at the start of
    each `fit`, so a run resumed from a checkpoint would write over its own
    history. This callback starts the count at the optimizer's step counter
    instead. Epoch-level summaries (training and validation metrics, one per
    checkpoint interval) are numbered by epoch, which `fit(initial_epoch=...)`
    already continues.

    Args:
        log_dir: where the event files are written.
        update_freq: steps between batch-level summaries, or `"epoch"`.
        **kwargs: the other arguments of `keras.callbacks.TensorBoard`.
    """

    def __init__(self, log_dir: str, update_freq="epoch", **kwargs):
        kwargs.setdefault("write_graph", False)
        super().__init__(log_dir=log_dir, update_freq=update_freq, **kwargs)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self._global_train_batch = step
