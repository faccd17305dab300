"""The recipes built on the User-Personalization network, on data whose right answers are planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.recipes.base import HyperparameterError, TrainingConfig, TrainingData, TrainingFailed
from personalize_emulator.recipes.user_personalization import bptt
from personalize_emulator.recipes.user_personalization.variants import (
    DAY,
    Hrnn,
    HrnnColdstart,
    PersonalizedRanking,
    UserPersonalizationV2,
    cold_items,
)
from personalize_emulator.store import safe_state
from tests.recipes.planted import INTERACTIONS, ITEMS, START, cabins, tastes, with_new_items

SMALL = {"hidden_dimension": "32"}


@pytest.fixture
def few_epochs(monkeypatch):
    """For tests of what a model reads rather than how well it learns: three epochs are enough."""
    monkeypatch.setattr(bptt, "MAX_EPOCHS", bptt.MIN_EPOCHS)


def train(recipe, data: TrainingData, previous=None, mode: str = "FULL", **hyperparameters):
    return recipe.train(data, TrainingConfig(SMALL | hyperparameters, training_mode=mode), previous)


def top(model, user, count=10, context=None):
    return [item for item, _ in model.recommend(user, count, context)]


# -- aws-hrnn: interactions alone ---------------------------------------------------------------------------


def test_hrnn_reads_no_item_or_user_metadata(few_epochs):
    data = tastes(users_per_group=30)
    with_metadata = train(Hrnn(), data)
    without = train(Hrnn(), TrainingData(data.interactions, schemas={"INTERACTIONS": INTERACTIONS}))
    for user in ("a-user1", "b-user2"):
        np.testing.assert_array_equal(with_metadata.relevance(user), without.relevance(user))


def test_hrnn_ignores_context(few_epochs):
    model = train(Hrnn(), cabins(users=40))
    first = model.recommend("user1", 10, {"CABIN_TYPE": "First Class"})
    assert first == model.recommend("user1", 10, {"CABIN_TYPE": "Economy"}) == model.recommend("user1", 10)


@pytest.mark.parametrize(
    "hyperparameters, message",
    [
        ({"cold_start_relative_from": "yesterday"},
         "The hyperparameter cold_start_relative_from must be one of currentTime, latestItem; got 'yesterday'."),
        ({"cold_start_max_interactions": "0"},
         "The hyperparameter cold_start_max_interactions must be positive; got 0."),
        ({"cold_start_max_duration": "-1.5"},
         "The hyperparameter cold_start_max_duration must be positive; got -1.5."),
    ],
)  # fmt: skip
def test_coldstart_refuses_cold_start_values_outside_the_documented_ranges(hyperparameters, message):
    with pytest.raises(HyperparameterError) as raised:
        HrnnColdstart().hyperparameters(hyperparameters)
    assert str(raised.value) == message


def test_legacy_defaults_are_the_guides():
    assert Hrnn().hyperparameters({})["hidden_dimension"] == "43"
    assert Hrnn().hyperparameters({"bptt": "1"})["bptt"] == "1"  # HRNN's range starts at 1, the others' at 2
    with pytest.raises(HyperparameterError, match="bptt must be between 2 and 32"):
        HrnnColdstart().hyperparameters({"bptt": "1"})


# -- aws-personalized-ranking --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranker():
    """Cabin tastes, and an Items dataset naming one item no one chose."""
    data = cabins(users=60)
    ids = sorted(data.interactions["ITEM_ID"].unique()) + ["f-unchosen"]
    items = pd.DataFrame({"ITEM_ID": ids, "GENRE": [i[0].upper() for i in ids], "CREATION_TIMESTAMP": START})
    return train(PersonalizedRanking(), TrainingData(data.interactions, items, schemas=data.schemas | {"ITEMS": ITEMS}))


def test_ranking_follows_the_context_and_scores_sum_to_one_over_the_list(ranker):
    listed = [f"e{k}" for k in range(5)] + [f"f{k}" for k in range(5)]
    for cabin, planted in (("First Class", "f"), ("Economy", "e")):
        ranked = ranker.rank("user1", listed, {"CABIN_TYPE": cabin})
        assert sorted(item for item, _ in ranked) == sorted(listed)
        assert all(item.startswith(planted) for item, _ in ranked[:5]), ranked
        assert sum(score for _, score in ranked) == pytest.approx(1.0)


def test_ranking_leaves_out_items_without_interactions(ranker):
    assert ranker.knows_item("f-unchosen")
    assert [item for item, _ in ranker.rank("user1", ["f-unchosen", "f1", "never-heard-of"])] == ["f1"]


def test_ranking_reads_item_text():
    """Items described only by text: new items score by the words they share with the items a user chose."""
    data = tastes(users_per_group=20)
    plots = {"a": "a starship crew fights aliens in deep space", "b": "two strangers fall in love at a wedding"}
    ids = list(data.items["ITEM_ID"]) + [f"{g}-new{k}" for g in "ab" for k in range(3)]
    items = pd.DataFrame({"ITEM_ID": ids, "PLOT": [f"{plots[i[0]]} part {n}" for n, i in enumerate(ids)]})
    schema = AvroSchema("Items", (Field("ITEM_ID", "string"), Field("PLOT", "string", textual=True)))
    described = TrainingData(data.interactions, items, schemas=data.schemas | {"ITEMS": schema})
    model = train(PersonalizedRanking(), described)
    index = model.catalogue.index
    for group, other in (("a", "b"), ("b", "a")):
        relevance = model.relevance(f"{group}-user1")
        mine = min(relevance[index[f"{group}-new{k}"]] for k in range(3))
        assert mine > max(relevance[index[f"{other}-new{k}"]] for k in range(3))


# -- aws-user-personalization-v2 -----------------------------------------------------------------------------


def test_v2_takes_apply_recency_bias_only():
    v2 = UserPersonalizationV2()
    assert v2.hyperparameters({}) == {"apply_recency_bias": "true"}
    assert v2.network_config(v2.values({"apply_recency_bias": "false"}), seed=0).recency_mask is False
    assert v2.network_config(v2.values({}), seed=0).hidden == 149  # User-Personalization's width
    with pytest.raises(HyperparameterError) as raised:
        v2.hyperparameters({"hidden_dimension": "64"})
    assert str(raised.value) == (
        "Unknown hyperparameters for aws-user-personalization-v2: hidden_dimension; it takes apply_recency_bias."
    )


# -- aws-hrnn-coldstart --------------------------------------------------------------------------------------


FEW = {"cold_start_max_interactions": "5"}  # the planted items are chosen about 30 times each: none is cold


def test_cold_items_count_interactions_and_age_from_the_chosen_reference():
    rows = [("u1", "old", START, "click")] * 3 + [("u1", "busy", START + 9 * DAY, "click")] * 4
    rows += [("u2", "fresh", START + 8 * DAY, "click"), ("u2", "late", START + 10 * DAY, "click")]
    frame = pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
    data = TrainingData(frame, pd.DataFrame({"ITEM_ID": ["unseen"]}))
    values = {"cold_start_max_interactions": 3, "cold_start_max_duration": 5.0}
    latest = cold_items(data, values | {"cold_start_relative_from": "latestItem"}, now=START + 100 * DAY)
    # "old" is 10 days before the latest interaction, "busy" has 4 interactions: neither is cold
    assert latest == {"fresh", "late", "unseen"}
    current = cold_items(data, values | {"cold_start_relative_from": "currentTime"}, now=START + 100 * DAY)
    assert current == {"unseen"}


def test_coldstart_needs_an_items_dataset_and_a_hundred_cold_items():
    data = tastes(users_per_group=30)
    with pytest.raises(TrainingFailed, match="needs an Items dataset"):
        train(HrnnColdstart(), TrainingData(data.interactions, schemas=data.schemas))
    with pytest.raises(TrainingFailed, match="needs between 100 and 80,000 cold items; these hyperparameters make 0"):
        train(HrnnColdstart(), data)


@pytest.fixture(scope="module")
def coldstart():
    data = with_new_items(tastes(users_per_group=30))
    return data, train(HrnnColdstart(), data, **FEW)


def test_coldstart_recommends_only_cold_items_by_taste_and_survives_saving(coldstart):
    data, model = coldstart
    cold = {item for item in data.items["ITEM_ID"] if "-new" in item}
    assert set(model.item_ids()) == cold
    for group in "ab":
        picks = top(model, f"{group}-user1", 10)
        assert set(picks) <= cold
        assert sum(item.startswith(group) for item in picks) >= 7, picks
    back = safe_state.loads(safe_state.dumps(model))
    assert back.recommend("a-user1", 10) == model.recommend("a-user1", 10)
    assert back.item_ids() == model.item_ids()


def test_coldstart_update_makes_a_new_item_recommendable(coldstart):
    data, model = coldstart
    items = pd.concat([data.items, pd.DataFrame({"ITEM_ID": ["a-later"], "GENRE": ["A"], "CREATION_TIMESTAMP": START})])
    grown = TrainingData(data.interactions, items, data.users, data.schemas)
    updated = train(HrnnColdstart(), grown, model, "UPDATE", **FEW)
    assert "a-later" not in model.item_ids() and "a-later" in updated.item_ids()
