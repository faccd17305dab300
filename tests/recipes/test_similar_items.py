"""aws-similar-items on planted data: neighbours by co-occurrence, and by metadata for items nobody chose yet."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.recipes.base import HyperparameterError
from personalize_emulator.resources.recipe_catalogue import BY_ARN
from personalize_emulator.store import safe_state
from tests.recipes.planted import START, tastes

SIMILAR = trainable("aws-similar-items")
RICH_ITEMS = AvroSchema(
    "Items",
    (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True, categorical=True),
     Field("PRICE", "float", nullable=True), Field("DESCRIPTION", "string", nullable=True, textual=True),
     Field("CREATION_TIMESTAMP", "long", nullable=True)),
)  # fmt: skip
WORDS = {"a": "a crisp red apple from the orchard", "b": "a blue whale swimming in the deep ocean"}


def train(data: TrainingData, **knobs: str):
    return SIMILAR.train(data, TrainingConfig(hyperparameters=knobs))


def related(model, item: str, count: int = 10) -> list[str]:
    return [i for i, _ in model.recommend(None, count, item_id=item)]


def with_new_items(data: TrainingData, rows: list[dict]) -> TrainingData:
    """`data` whose Items dataset has rich metadata (genre, price, description) and also the items of `rows`,
    which nobody has chosen."""
    items = data.items.assign(
        PRICE=[float(k + 1) if group == "A" else 100.0 + 5 * k for group in "AB" for k in range(20)],
        DESCRIPTION=[WORDS[item[0]] for item in data.items["ITEM_ID"]],
    )
    items = pd.concat([items, pd.DataFrame(rows)], ignore_index=True)
    return replace(data, items=items, schemas={**data.schemas, "ITEMS": RICH_ITEMS})


@pytest.fixture(scope="module")
def shop():
    """Users of group a choose only items a* (genre A, cheap, about apples), group b only b* (B, dear, whales);
    five new items have some of that metadata and no interactions."""
    new = [
        {"ITEM_ID": "new-a", "GENRE": "A", "CREATION_TIMESTAMP": START},
        {"ITEM_ID": "new-b", "GENRE": "B", "CREATION_TIMESTAMP": START},
        {"ITEM_ID": "new-b-text", "DESCRIPTION": "whales of the ocean"},
        {"ITEM_ID": "new-b-price", "PRICE": 150.0},
        {"ITEM_ID": "bare"},
    ]
    data = with_new_items(tastes(users_per_group=30, steps=20), new)
    return data, train(data)


def test_the_neighbours_of_a_chosen_item_are_of_its_cluster(shop):
    _, model = shop
    for item in ("a0", "a11", "b4", "b19"):
        cluster = {f"{item[0]}{k}" for k in range(20)} - {item}
        assert set(related(model, item, 19)) == cluster


@pytest.mark.parametrize("new", ["new-b", "new-b-text", "new-b-price"], ids=["genre", "description", "price"])
def test_an_item_nobody_chose_gets_neighbours_through_its_metadata(shop, new):
    _, model = shop
    answer = related(model, new, 5)  # the price alone makes fewest neighbours: the b* items of its price quintile
    assert all(item.startswith("b") for item in answer), answer


def test_a_new_item_joins_the_lists_of_the_items_it_resembles(shop):
    _, model = shop
    assert "new-a" in related(model, "a0", 25)
    assert "new-a" not in related(model, "b0", 25)


def test_an_item_without_interactions_or_metadata_and_an_unknown_item_get_popular_items(shop):
    data, model = shop
    popular = trainable("aws-popularity-count").train(data, TrainingConfig())
    assert model.recommend(None, 10, item_id="never-seen") == popular.recommend(None, 10)
    assert model.recommend(None, 10, item_id="bare") == popular.recommend(None, 10, exclude={"bare"})


def test_the_query_item_never_appears_in_its_own_list_and_there_are_no_scores(shop):
    data, model = shop
    catalogue = set(data.catalogue())
    for item in ("a3", "new-b", "bare"):
        answer = model.recommend(None, 500, item_id=item)
        assert sorted(i for i, _ in answer) == sorted(catalogue - {item})
        assert all(score is None for _, score in answer)


def test_interactions_alone_are_enough():
    data = tastes(users_per_group=30, steps=20)
    model = train(TrainingData(data.interactions))
    assert {item[0] for item in related(model, "b2", 19)} == {"b"}


def test_hyperparameters_are_the_documented_ones_and_are_checked():
    defaults = BY_ARN["arn:aws:personalize:::recipe/aws-similar-items"].default_hyperparameters
    assert SIMILAR.hyperparameters({}) == defaults
    assert SIMILAR.hyperparameters({"item_id_hidden_dim": "30"})["item_id_hidden_dim"] == "30"
    for bad, message in (
        ({"min_cointeraction_count": "3"}, "Unknown hyperparameters for aws-similar-items: min_cointeraction_count"),
        ({"item_metadata_hidden_dim": "201"}, "item_metadata_hidden_dim must be between 30 and 200"),
    ):
        with pytest.raises(HyperparameterError, match=message):
            SIMILAR.hyperparameters(bad)


def test_a_saved_model_loads_back_and_answers_the_same(shop):
    _, model = shop
    back = safe_state.loads(safe_state.dumps(model))
    for item in ("a0", "new-b", "unknown"):
        assert back.recommend(None, 25, item_id=item) == model.recommend(None, 25, item_id=item)
