"""Offline metrics of the USER_SEGMENTATION recipes, as `GetSolutionMetrics` reports them.

The guide's split: "the training set consists of 80% of each user's interactions data and the testing set consists
of 20%" (the newest, here). A query's actual users are those who interacted with its items in the testing set; its
predicted users are the top 1% of all users (at least one). AWS's sample reports `hits_at_1_percent`, the number
of predicted users who are actual ones, and `recall_at_1_percent`, that number over the most the top 1% could
hold (the actual users, or 1% if fewer), both averaged over queries, and `coverage`, here the share of users who
are in some query's top 1%. Item-Affinity is asked about the items of the testing set, Item-Attribute-Affinity
about the attribute values of those items, each on its own (the most frequent ones first, up to `MAX_QUERIES`).
"""

from __future__ import annotations

import numpy as np

from personalize_emulator.recipes.affinity import AffinityModel, ItemAttributeAffinity
from personalize_emulator.recipes.base import Recipe, TrainingConfig, TrainingData

TEST_SHARE = 0.2
MAX_QUERIES = 500  # AWS's limit on queries per input file of an Item-Affinity batch segment job


def split(data: TrainingData) -> tuple[TrainingData, dict[str, set[str]]]:
    """The oldest 80% of each user's interactions (at least one) for training, and the users of each item in the
    newest 20%."""
    ordered = data.interactions.sort_values(["USER_ID", "TIMESTAMP"], kind="stable")
    position = ordered.groupby("USER_ID", sort=False).cumcount().to_numpy()
    size = ordered.groupby("USER_ID", sort=False)["USER_ID"].transform("size").to_numpy()
    tested = position >= np.maximum(1, np.ceil(size * (1 - TEST_SHARE)))
    test = ordered[tested]
    truth = {str(item): set(users) for item, users in test.groupby("ITEM_ID")["USER_ID"]}
    train = TrainingData(
        ordered[~tested].reset_index(drop=True), data.items, data.users, data.schemas, data.actions,
        data.action_interactions,
    )  # fmt: skip
    return train, truth


def evaluate_segments(
    recipe: Recipe, data: TrainingData, config: TrainingConfig, baseline: bool = False
) -> dict[str, float]:
    """The metrics of `recipe`'s segments on the split; with `baseline`, of the segments AWS's sample compares
    them with instead: the same users for every query, the most active first."""
    train, truth = split(data)
    model = recipe.train(train, config)
    assert isinstance(model, AffinityModel)  # the USER_SEGMENTATION recipes train one
    top = max(1, len(model.users) // 100)
    queries = (
        _attribute_queries(model, truth) if isinstance(recipe, ItemAttributeAffinity) else _item_queries(model, truth)
    )
    active = [str(user) for user in train.interactions["USER_ID"].value_counts().index[:top]]
    hits, recalls, covered = [], [], set[str]()
    for items, actual in queries:
        predicted = active if baseline else model.segment(items, top)
        found = len(actual.intersection(predicted))
        hits.append(found)
        recalls.append(found / min(len(actual), top))
        covered.update(predicted)
    return {
        "coverage": len(covered) / len(model.users) if model.users else 0.0,
        "hits_at_1_percent": float(np.mean(hits)) if hits else 0.0,
        "recall_at_1_percent": float(np.mean(recalls)) if recalls else 0.0,
    }


def _item_queries(model: AffinityModel, truth: dict[str, set[str]]) -> list[tuple[list[str], set[str]]]:
    known = sorted((item for item in truth if model.knows_item(item)), key=lambda i: (-len(truth[i]), i))
    return [([item], truth[item]) for item in known[:MAX_QUERIES]]


def _attribute_queries(model: AffinityModel, truth: dict[str, set[str]]) -> list[tuple[list[str], set[str]]]:
    actual: dict[tuple[str, str], set[str]] = {}
    for value, rows in model.attributes.items():
        users = set().union(*(truth.get(model.items[row], set()) for row in rows))
        if users:
            actual[value] = users
    chosen = sorted(actual, key=lambda v: (-len(actual[v]), v))[:MAX_QUERIES]
    return [(model.items_with([value]), actual[value]) for value in chosen]
