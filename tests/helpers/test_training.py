"""A version's training as the tutorial shows it: one status line while it runs, its loss at each tenth after."""

from __future__ import annotations

import logging
import math

import pytest

from helpers import training
from helpers.training import TrainingLog
from personalize_emulator.recipes import TrainingConfig
from personalize_emulator.recipes.user_personalization import UserPersonalization
from personalize_emulator.training import runs
from tests.recipes.planted import cabins

LOGGER = logging.getLogger("personalize_emulator.training")


@pytest.fixture
def training_log():
    handler, level = TrainingLog(), LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    yield handler
    LOGGER.removeHandler(handler)
    LOGGER.setLevel(level)


def progress(label: str, percent: int, loss: float, stage: str = "epoch 1/3") -> None:
    LOGGER.info("progress", extra={"training": label, "percent": percent, "stage": stage, "loss": loss})


def test_a_versions_training_is_charted_from_its_progress_lines(training_log, monkeypatch, caplog):
    config = TrainingConfig({"hidden_dimension": "32"}, label="airlines/1a2b")
    with caplog.at_level(logging.INFO, logger="personalize_emulator.training"):
        runs.train(UserPersonalization(), cabins(users=30, steps=40), config)
    lines = [r.getMessage() for r in caplog.records if getattr(r, "training", None) == "airlines/1a2b"]
    assert lines[-1].startswith("airlines/1a2b: 100%  held-out users' newest  loss ")
    losses = training_log.losses()
    assert list(losses.columns) == ["airlines/1a2b"] and list(losses.index) == list(range(10, 101, 10))
    assert training_log.status() is None  # it finished
    monkeypatch.setattr(training, "TRAINING_LOG", training_log)
    ax = training.plot_training_losses()
    assert ax.get_legend() is None  # one line needs none
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx(losses["airlines/1a2b"].tolist())


def test_a_target_that_trains_out_of_sight_says_so_instead_of_a_chart(monkeypatch, capsys):
    monkeypatch.setattr(training, "TRAINING_LOG", TrainingLog())
    assert training.plot_training_losses() is None
    assert "trains out of sight" in capsys.readouterr().out


def test_the_status_names_the_running_training_and_hpo_candidates_get_a_line_each(training_log, monkeypatch):
    progress("old/v0", 100, 1.0)  # an earlier version: not in the chart
    progress("air/v1 HPO job 1/2", 10, 3.5)
    progress("air/v1 HPO job 2/2", 10, 3.9)
    progress("air/v1 HPO job 1/2", 20, 2.9, "epoch 2/3")
    assert training_log.status() == "training air/v1 HPO job 1/2: 20% (epoch 2/3), loss 2.90"
    frame = training_log.losses()
    assert list(frame.columns) == ["air/v1 HPO job 1/2", "air/v1 HPO job 2/2"]
    assert frame.loc[20, "air/v1 HPO job 1/2"] == 2.9 and math.isnan(frame.loc[20, "air/v1 HPO job 2/2"])
    monkeypatch.setattr(training, "TRAINING_LOG", training_log)
    legend = training.plot_training_losses().get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["HPO job 1/2", "HPO job 2/2"]
