"""A version's trainings are announced on the training logger, so the epochs that follow can be told apart."""

from __future__ import annotations

import logging

from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.training import runs
from tests.builders import planted_interactions

POPULARITY = trainable("aws-popularity-count")


def announced(caplog, **kwargs) -> list[tuple[str, tuple[int, int]]]:
    data = TrainingData(planted_interactions({"hit": 50}), None, None, {})
    with caplog.at_level(logging.INFO, logger="personalize_emulator.training"):
        trained = runs.train(POPULARITY, data, **kwargs)
    assert trained.model is not None
    return [(r.training, r.part) for r in caplog.records if hasattr(r, "training")]


def test_a_full_version_trains_the_metrics_model_then_the_deployed_one(caplog):
    assert announced(caplog, config=TrainingConfig()) == [
        (runs.METRICS_MODEL, (1, 2)),
        (runs.DEPLOYED_MODEL, (2, 2)),
    ]
    assert caplog.records[0].getMessage() == f"training 1 of 2: {runs.METRICS_MODEL}"


def test_an_update_trains_once_and_hpo_once_per_candidate_then_the_deployed_model(caplog):
    assert announced(caplog, config=TrainingConfig(training_mode="UPDATE")) == [(runs.UPDATED_MODEL, (1, 1))]
    caplog.clear()
    hpo = {"hpoResourceConfig": {"maxNumberOfTrainingJobs": "2"}}
    assert [part for _, part in announced(caplog, config=TrainingConfig(), hpo=hpo)] == [(1, 3), (2, 3), (3, 3)]
