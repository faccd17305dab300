"""A solution version's training: one training gives the metrics and the deployed model; HPO stops the lower half
of its candidates part-way; the device a training runs on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from personalize_emulator import settings
from personalize_emulator.recipes.base import Model, Recipe, Split, SplitTraining, TrainingConfig, TrainingFailed
from personalize_emulator.recipes.user_personalization import UserPersonalization, bptt
from personalize_emulator.recipes.user_personalization.bptt import resolve_device
from personalize_emulator.recipes.user_personalization.config import DEFAULT_WIDTH, NetworkConfig
from personalize_emulator.training import runs
from personalize_emulator.training.metrics import split
from tests.recipes.planted import tastes, when

SMALL = {"hidden_dimension": "32"}
OBJECTIVE = "normalized_discounted_cumulative_gain_at_25"


class Graded(Model):
    """A model that only carries its grade, for a scorer that reads it."""

    def __init__(self, grade: float):
        self.grade = grade

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        return []

    def rank(self, user_id, item_ids, context=None):
        return []

    def item_ids(self):
        return []


class Logged(SplitTraining):
    """A training whose measured grade is its `width` hyperparameter, and which notes every call."""

    def __init__(self, width: int, calls: list):
        self.width, self.calls, self.reached = width, calls, 0.0

    def advance(self, until):
        self.reached = max(self.reached, until)
        self.calls.append((self.width, "advance", until))

    def measured(self, users):
        self.calls.append((self.width, "measured", self.reached))
        return Graded(self.width)

    def finish(self):
        self.calls.append((self.width, "finish", self.reached))
        return Graded(self.width)


class Stub(Recipe):
    name = "stub"
    search_space = {"integerHyperParameterRanges": [{"name": "width", "minValue": 1, "maxValue": 100}]}

    def __init__(self):
        self.calls: list = []
        self.budgets: list = []

    def train(self, data, config, previous=None):
        raise AssertionError("a version trains through start()")

    def start(self, prepared, config):
        self.budgets.append(config.budget)
        return Logged(int(config.hyperparameters.get("width", 50)), self.calls)


def grade(run: Logged) -> dict[str, float]:
    return {OBJECTIVE: run.measured([]).grade}


def test_a_version_trains_once_measures_on_the_split_then_finishes():
    recipe = Stub()
    trained = runs.train(recipe, tastes(users_per_group=10), TrainingConfig())
    assert recipe.calls == [(50, "advance", 1.0), (50, "measured", 1.0), (50, "finish", 1.0)]
    assert trained.model.grade == 50 and not trained.tuned


def test_hpo_stops_the_lower_half_at_each_rung_and_carries_on_with_the_best(caplog):
    recipe = Stub()
    hpo = {"hpoResourceConfig": {"maxNumberOfTrainingJobs": "4"}}
    config = TrainingConfig({"width": "50"}, seed=3, label="stub/0000abcd")
    with caplog.at_level("INFO", logger="personalize_emulator.training"):
        run, chosen, metrics = runs.tune(recipe, None, grade, config, hpo)
    candidates = [50, *[int(w) for w in _sampled_widths(3, seed=3)]]
    furthest = {w: max(u for width, kind, u in recipe.calls if width == w and kind == "advance") for w in candidates}
    ranked = sorted(candidates, reverse=True)
    assert furthest[ranked[0]] == 1.0 and furthest[ranked[1]] == pytest.approx(2 / 3)
    assert furthest[ranked[2]] == furthest[ranked[3]] == pytest.approx(1 / 3)
    assert chosen == {"width": str(ranked[0])} and metrics == {OBJECTIVE: ranked[0]}
    assert run.finish().grade == ranked[0]
    stops = [r.getMessage() for r in caplog.records if "stops" in r.getMessage()]
    assert len(stops) == 3 and all(line.startswith("stub/0000abcd HPO job ") for line in stops)
    assert recipe.budgets == [{"width": "50"}] * 4  # every candidate may cost what the configured set costs


def test_a_narrow_hpo_candidate_trains_the_epochs_of_the_width_it_is_budgeted_at():
    windows = bptt.Windows(np.zeros(100, int), np.zeros(100, int), np.full(100, 10), np.zeros(100, int))
    default, narrow = bptt.plan(windows, NetworkConfig()), bptt.plan(windows, NetworkConfig(hidden=48))
    assert narrow.epochs > default.epochs  # on its own, a narrow network buys itself more passes of small data
    budgeted = bptt.plan(windows, NetworkConfig(hidden=48, budget_width=DEFAULT_WIDTH))
    assert budgeted.epochs == default.epochs


def _sampled_widths(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [runs.sample_hyperparameters(Stub.search_space, rng)["width"] for _ in range(count)]


def test_the_deployed_model_learns_what_the_split_held_out_and_the_measured_one_never_sees_it():
    data = tastes(users_per_group=30)
    held = sorted(split(data, 0)[1])[0]  # a held-out user
    late = pd.DataFrame([(held, "a-late", when(0, 100), "click", None, None)], columns=data.interactions.columns)
    data.interactions = pd.concat([data.interactions, late], ignore_index=True)
    part, truth = split(data, 0)
    assert "a-late" in truth[held] and "a-late" not in set(part.interactions.ITEM_ID)
    recipe = UserPersonalization()
    run = recipe.start(recipe.prepare(Split(part, data)), TrainingConfig(SMALL))
    run.advance(1.0)
    measured = run.measured([held])
    assert "a-late" not in [item for item, _ in measured.recommend(held, 60)]
    deployed = run.finish()
    index = deployed.catalogue.index["a-late"]
    assert deployed.network.item_id.weight[index].abs().sum() > 0  # its embedding trained, after the split's
    assert deployed.states[deployed.people.index[held]].last_time == when(0, 100)  # the whole history was read


def test_auto_trains_on_a_gpu_when_pytorch_sees_one(monkeypatch):
    assert resolve_device("auto") == torch.device("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")
    assert resolve_device("cpu") == torch.device("cpu")


def test_asking_for_a_gpu_that_is_not_there_fails_the_training_in_words(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(TrainingFailed, match="PyTorch sees no CUDA GPU"):
        resolve_device("cuda:1")


def test_the_device_is_configured_once_for_every_training(monkeypatch):
    monkeypatch.setattr(settings, "_device", "auto")
    settings.configure(device="cpu")
    assert settings.device() == "cpu"
    with pytest.raises(ValueError, match="device must be auto, cpu, cuda or cuda:<n>; got 'gpu'"):
        settings.configure(device="gpu")
    model = UserPersonalization().train(tastes(users_per_group=10), TrainingConfig(SMALL, device=settings.device()))
    assert model.network.device == torch.device("cpu")
