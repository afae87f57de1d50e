import warnings

from keras_ada import zoo
from keras_ada.models import build_model
from keras_ada.training.codebook_health import CodebookMonitor


def monitored(**quantiser):
    model = build_model(zoo.load("vqvae_hop8", scale="tiny", quantiser=quantiser))
    monitor = CodebookMonitor()
    monitor.set_model(model)
    return monitor


def test_a_collapsed_codebook_warns_once_through_the_package_logger(caplog):
    monitor = monitored()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PYTHONWARNINGS=ignore hides no warning
        monitor.on_epoch_end(0, {"perplexity": 20.0})
        monitor.on_epoch_end(1, {"perplexity": 20.0})
    [record] = caplog.records
    assert record.name == "keras_ada.training.codebook_health"
    assert "collapsed: perplexity 20.0 of 256" in record.getMessage()


def test_a_healthy_codebook_does_not_warn(caplog):
    monitored().on_epoch_end(0, {"perplexity": 30.0})
    assert not caplog.records


def test_restarts_are_logged():
    monitor = monitored(restart_unused=0.1)
    logs = {"perplexity": 100.0}
    monitor.on_epoch_end(0, logs)
    assert logs["codebook_restarts"] == 0.0
    logs = {"perplexity": 100.0}
    monitored().on_epoch_end(0, logs)
    assert "codebook_restarts" not in logs
