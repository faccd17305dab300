"""aws-item-affinity and aws-item-attribute-affinity on planted tastes: a segment is the users of the item's genre,
items nobody chose take their segment from their attributes, and the documented knob and data rules hold."""

from __future__ import annotations

import pandas as pd
import pytest

from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.recipes.base import HyperparameterError, TrainingFailed
from tests.recipes.planted import PRICED_ITEMS, tastes, with_new_items

ITEM_AFFINITY = trainable("aws-item-affinity")
ATTRIBUTE_AFFINITY = trainable("aws-item-attribute-affinity")
GROUP_A = {f"a-user{u}" for u in range(60)}


def test_an_item_nobody_chose_gets_the_segment_of_its_genre():
    model = ITEM_AFFINITY.train(with_new_items(tastes(), per_group=3), TrainingConfig())
    assert set(model.segment(["a-new0"], 60)) == GROUP_A
    assert set(model.segment(["a-new0", "a-new1"], 60)) == GROUP_A


def test_numeric_attributes_match_by_value_and_exclusions_leave_the_segment():
    data = tastes()
    items = data.items.assign(PRICE=[1.0 if item.startswith("a") else 2.0 for item in data.items["ITEM_ID"]])
    model = ATTRIBUTE_AFFINITY.train(
        TrainingData(data.interactions, items, data.users, data.schemas | {"ITEMS": PRICED_ITEMS}), TrainingConfig()
    )
    assert model.columns == {"GENRE": False, "PRICE": True}
    cheap = model.items_with([("PRICE", "1.0")])
    assert cheap == [i for i in model.items if i.startswith("a")]
    assert set(model.segment(cheap, 60)) == GROUP_A
    assert set(model.segment(cheap, 59, exclude={"a-user0"})) == GROUP_A - {"a-user0"}


def test_attribute_affinity_needs_an_attribute_to_segment_by():
    data = tastes()
    with pytest.raises(TrainingFailed, match="needs an Items dataset with at least one metadata column"):
        ATTRIBUTE_AFFINITY.train(TrainingData(data.interactions, schemas=data.schemas), TrainingConfig())


@pytest.mark.parametrize("value", ["31", "257", "many"])
def test_hidden_dimension_keeps_to_its_documented_range(value):
    with pytest.raises(HyperparameterError):
        ITEM_AFFINITY.hyperparameters({"hidden_dimension": value})
    assert ITEM_AFFINITY.hyperparameters({}) == {"hidden_dimension": "149"}


def test_each_segment_is_sorted_by_score_and_then_by_user_id():
    data = tastes()
    twins = data.interactions[data.interactions["USER_ID"] == "a-user5"].assign(USER_ID="a-user5-twin")
    model = ITEM_AFFINITY.train(
        TrainingData(pd.concat([data.interactions, twins]), data.items, schemas=data.schemas), TrainingConfig()
    )
    ranked = model.segment(["a3"], 200)
    assert ranked.index("a-user5-twin") == ranked.index("a-user5") + 1  # the same history: the same score
