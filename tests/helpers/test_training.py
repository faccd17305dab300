"""The trainings of a version as the tutorial shows them: one status line while they run, a loss per epoch after."""

from __future__ import annotations

import logging
import threading

import pytest

from helpers import training
from helpers.training import TrainingLog
from personalize_emulator.recipes import TrainingConfig
from personalize_emulator.recipes.user_personalization import UserPersonalization
from personalize_emulator.training import runs
from tests.recipes.planted import cabins


@pytest.fixture
def training_log():
    logger = logging.getLogger("personalize_emulator.training")
    handler, level = TrainingLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_versions_two_trainings_are_charted_by_what_they_train(training_log, monkeypatch):
    config = TrainingConfig({"hidden_dimension": "32"})
    trained = runs.train(UserPersonalization(), cabins(users=30, steps=40), config)
    losses = training_log.losses()
    assert list(losses.columns) == [runs.METRICS_MODEL, runs.DEPLOYED_MODEL]
    assert losses[runs.DEPLOYED_MODEL].dropna().tolist() == pytest.approx(trained.model.losses)
    assert losses.index[0] == 1 and training_log.status() is None  # both finished
    monkeypatch.setattr(training, "TRAINING_LOG", training_log)
    ax = training.plot_training_losses()
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["metrics model", "deployed model"]
    assert list(ax.get_lines()[1].get_ydata()) == pytest.approx(trained.model.losses)


def test_a_target_that_trains_out_of_sight_says_so_instead_of_a_chart(monkeypatch, capsys):
    monkeypatch.setattr(training, "TRAINING_LOG", TrainingLog())
    assert training.plot_training_losses() is None
    assert "trains out of sight" in capsys.readouterr().out


def test_the_status_names_the_running_training_and_its_epoch_whatever_runs_beside_it(training_log):
    log = logging.getLogger("personalize_emulator.training")

    def popularity_version():  # another version, on its own thread, announces trainings without epochs
        runs.announce(runs.METRICS_MODEL, 1, 2)
        runs.announce(runs.DEPLOYED_MODEL, 2, 2)

    runs.announce(runs.METRICS_MODEL, 1, 2)
    for epoch, loss in enumerate((3.5, 2.9, 2.8), start=1):
        log.info("epoch", extra={"epoch": epoch, "epochs": 3, "loss": loss})
    runs.announce(runs.DEPLOYED_MODEL, 2, 2)
    log.info("epoch", extra={"epoch": 1, "epochs": 3, "loss": 3.6})
    beside = threading.Thread(target=popularity_version)
    beside.start()
    beside.join()
    log.info("epoch", extra={"epoch": 2, "epochs": 3, "loss": 2.95})
    assert training_log.status() == "training 2 of 2 (deployed model): epoch 2/3, loss 2.95"
    assert training_log.losses().to_dict("list") == {
        runs.METRICS_MODEL: [3.5, 2.9, 2.8],
        runs.DEPLOYED_MODEL: [3.6, 2.95, pytest.approx(float("nan"), nan_ok=True)],
    }
