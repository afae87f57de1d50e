"""Population based training on Ray Tune: one small population, checked from its record."""

import json
import math
import os
import time

import keras
import numpy as np
import pytest

ray = pytest.importorskip("ray")

# One population serves every test of this module: under pytest-xdist they run
# in one worker (`--dist loadgroup`), so the population trains once, not once
# per worker, and its members do not compete with a second copy for the CPUs.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("population")]

from keras_ada import cli  # noqa: E402
from keras_ada import tuning  # noqa: E402
from keras_ada import zoo  # noqa: E402
from keras_ada.models import StackDirectory  # noqa: E402
from keras_ada.models import build_model  # noqa: E402
from keras_ada.tuning.data import ZooData  # noqa: E402

# The bottom half exploits the top half, so that exploits are frequent.
SCHEDULE = tuning.Schedule(
    population=4, perturbation_interval=10, burn_in=10, quantile_fraction=0.5
)
STEPS = 30
REPORT_EVERY = 5
DIVERGE_AT = 15  # the first member to reach this step has its weights set to NaN


def tiny_vqvae():
    return zoo.config(
        "vqvae_hop8",
        "tiny",
        encoder={"stages": 1},
        modulator={"stages": 1},
        local_model={"repeats": 1, "stages": 2},
    )


def population_callbacks(directory):
    """Callbacks of the members: training in step, and one forced divergence.

    A tiny member trains an interval in milliseconds, far faster than Ray Tune
    handles its reports, so left alone one member could finish before another
    has reported at all. Here each member starts once every member is built,
    and begins an interval only when every member has reached its step (each
    writes its step to `directory/step_<id>` when its report is handled),
    as members of the same size do in a real population. The first member to
    reach `DIVERGE_AT` has its weights set to NaN, and its id written to
    `directory/diverged.txt`.
    """
    marker = os.path.join(directory, "diverged.txt")

    def member_id():
        from ray import tune

        return tune.get_context().get_trial_id()

    def write_step(step):
        path = os.path.join(directory, f"step_{member_id()}")
        with open(path + ".tmp", "w") as file:
            file.write(str(step))
        os.replace(path + ".tmp", path)

    def wait_for_the_others(step):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            steps = []
            for name in os.listdir(directory):
                if name.startswith("step_") and not name.endswith(".tmp"):
                    with open(os.path.join(directory, name)) as file:
                        steps.append(int(file.read()))
            if len(steps) >= SCHEDULE.population and min(steps) >= step:
                return
            time.sleep(0.1)

    class InStep(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            write_step(epoch * REPORT_EVERY)
            wait_for_the_others(epoch * REPORT_EVERY)

        def on_train_end(self, logs=None):
            write_step(STEPS)

    class Diverge(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch * REPORT_EVERY != DIVERGE_AT:
                return
            try:
                descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.write(descriptor, member_id().encode())
            os.close(descriptor)
            for weight in self.model.trainable_weights:
                weight.assign(keras.ops.full(weight.shape, math.nan, weight.dtype))

    return lambda config: [InStep(), Diverge()]


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pbt")
    data = ZooData(length=64, batch_size=2, synthetic=True)
    task = tuning.Task(
        model_config=tiny_vqvae(),
        data=data,
        steps=STEPS,
        report_every=REPORT_EVERY,
        seed=3,
        learning_rate=2e-3,
        fitness=tuning.HeldOutFitness(data, steps=2),
        callbacks=population_callbacks(str(directory)),
    )
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"XLA_FLAGS": "", "CUDA_VISIBLE_DEVICES": ""}},
    )
    try:
        summary = tuning.tune(task, str(directory / "run"), SCHEDULE, verbose=0)
    finally:
        ray.shutdown()
    with open(directory / "diverged.txt") as file:
        diverged = file.read()
    return summary, directory, diverged


def reports_of(summary):
    return {member["member"]: member["reports"] for member in summary["members"]}


def exploits(summary):
    return [event for event in summary["events"] if event["event"] == "exploit"]


def test_the_record_is_written(population):
    summary, directory, _ = population
    run = directory / "run"
    with open(run / "pbt.json") as file:
        assert json.load(file)["best"]["member"] == summary["best"]["member"]
    assert (run / "pbt.png").stat().st_size > 0
    assert len(summary["members"]) == SCHEDULE.population
    assert [member["error"] for member in summary["members"]] == [None] * 4
    for reports in reports_of(summary).values():
        assert reports[-1]["step"] == STEPS
        # Ranked by the held-out NLL, not by the training NLL of the interval.
        assert all(r["fitness"] != -r["nll"] for r in reports if r["nll"] < 10)
    assert not (run / "exploits").exists()


def test_hyperparameters_stay_within_the_perturbed_ranges(population):
    summary, _, _ = population
    for event in exploits(summary):
        for key in ("alpha", "beta"):
            ratio = event["new_config"][key] / event["donor_config"][key]
            assert min(abs(ratio - factor) for factor in (0.8, 1.2)) < 1e-9
    perturbations = len(exploits(summary))
    for reports in reports_of(summary).values():
        for report in reports:
            assert 1e-4 * 0.8**perturbations <= report["alpha"]
            assert report["alpha"] <= 1e-2 * 1.2**perturbations
            assert 0.1 * 0.8**perturbations <= report["beta"]
            assert report["beta"] <= 10.0 * 1.2**perturbations


def test_no_perturbation_before_the_burn_in(population):
    summary, _, _ = population
    # Whether a scheduled exploit happens depends on the order in which the
    # members report; the forced divergence always exploits after the burn-in.
    assert exploits(summary)
    scheduled = [e for e in exploits(summary) if not e["reason"].startswith("diverg")]
    assert all(event["step"] >= SCHEDULE.burn_in for event in scheduled)
    for reports in reports_of(summary).values():
        early = [r for r in reports if r["step"] < SCHEDULE.burn_in]
        assert len({(r["alpha"], r["beta"]) for r in early}) == 1


def states_held(reports, step):
    """The state digests a member held at `step`: its own, or one it restarted from."""
    own = {r["state_digest"] for r in reports if r["step"] == step}
    restarted = {
        r["restored_state_digest"]
        for r in reports
        if r["step"] == step + REPORT_EVERY and "restored_state_digest" in r
    }
    return own | restarted


def test_an_exploiting_member_starts_from_its_donors_state(population):
    summary, _, _ = population
    members = reports_of(summary)
    for event in exploits(summary):
        handed_over = event["donor_state_digest"]
        assert handed_over in states_held(members[event["donor"]], event["donor_step"])
        restarted = [
            r
            for r in members[event["member"]]
            if r.get("restored_state_digest") == handed_over
        ]
        assert restarted, event
        assert (
            restarted[0]["restored_codebook_digest"] == event["donor_codebook_digest"]
        )
        assert restarted[0]["step"] == event["donor_step"] + REPORT_EVERY


def test_a_diverged_member_is_replaced(population):
    summary, _, diverged = population
    replacements = [
        e
        for e in exploits(summary)
        if e["member"] == diverged and e["reason"].startswith("divergence")
    ]
    assert len(replacements) == 1, (summary["events"], reports_of(summary)[diverged])
    assert replacements[0]["donor"] != diverged
    assert replacements[0]["step"] == DIVERGE_AT + REPORT_EVERY
    assert np.isfinite(reports_of(summary)[diverged][-1]["nll"])


def test_the_best_member_samples_as_a_stack_level(population, tmp_path):
    summary, directory, _ = population
    stack = tmp_path / "stack"
    stack.mkdir()
    model = keras.saving.load_model(summary["best"]["model"])
    quantiser = model.quantiser
    assert quantiser.alpha == pytest.approx(summary["best"]["config"]["alpha"])
    assert quantiser.beta == pytest.approx(summary["best"]["config"]["beta"])
    directory = StackDirectory(str(stack))
    directory.write(1)
    model.save(directory.model_file(0))
    prior = zoo.config("vqvae_wavenet", "tiny")["prior"]
    build_model(zoo.build(prior)).save(directory.model_file(1))
    output = tmp_path / "samples"
    command = ["sample", str(stack), "--seconds", "0.004", "--output", str(output)]
    assert cli.main(command) == 0
    assert len(list(output.glob("sample_*.wav"))) == 1
