"""The USER_SEGMENTATION recipes, `aws-item-affinity` and `aws-item-attribute-affinity`: for an item, or for the
items that have some attributes, the users most likely to interact with it, most likely first.

Both fit one regularised factorisation of who chose what: users by columns, one column per item and one per
attribute value of the Items dataset (its non-textual metadata, each categorical value on its own, 1 where the
user chose an item that has it). Minimising the squared error plus `lambda` times the vectors' squared norms has
a closed form: the truncated SVD (at most `hidden_dimension` components) with each singular value shrunk by
`lambda`, here the largest singular value noise of that density would show. What is left is the structure, so a
user who chose an item's neighbours scores high for it without having chosen it. A user's score for an item is the
reconstructed entry, on the scale of "chose it" (1) and "did not" (0), so it orders users for the item; an item
without interactions takes the mean vector of its attribute values. The reconstruction says how well an item fits a
user, whether or not they chose it already; whether they would choose it again depends on the data (a film is
rated once, groceries are bought again), so a user who chose the item counts with the share of the data's
interactions that repeat an earlier one of the same user and item. A query of attributes scores each user by the
mean over the items, known at training, that have them all: the guide's users "more likely to interact with items
that have both attributes". Segments come from the data of the last training: AWS asks for a new solution version
to see new data, and an item, or an attribute value, must have been present when it trained.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import NUMERIC
from personalize_emulator.recipes.base import (
    USER_SEGMENTATION,
    Model,
    NoItemsModel,
    Recipe,
    TrainingConfig,
    TrainingData,
    TrainingFailed,
)
from personalize_emulator.recipes.hyperparameters import Spec, parse_all, resolve
from personalize_emulator.recipes.related_items import row_embeddings

HYPERPARAMETERS = {"hidden_dimension": Spec(int, 32, 256, "149")}
RESERVED_ITEM_FIELDS = {"ITEM_ID", "CREATION_TIMESTAMP"}


def attribute_columns(data: TrainingData) -> list[str]:
    """The Items columns a segment can be asked for: metadata that is neither textual nor reserved."""
    schema = data.schemas.get("ITEMS")
    if schema is None or data.items is None:
        return []
    return [f.name for f in schema.fields if f.name.upper() not in RESERVED_ITEM_FIELDS and not f.textual]


def token(value: Any) -> str:
    """An attribute value as the model keys it: numbers by their float value (`5` and `5.0` are one value)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    return repr(float(value))


class AffinityModel(NoItemsModel):
    """Users and items as vectors; a segment is the users with the highest reconstructed score for its items."""

    def __init__(
        self,
        users: list[str],
        user_vectors: np.ndarray,
        items: list[str],
        item_vectors: np.ndarray,
        attributes: dict[tuple[str, str], list[int]],
        columns: dict[str, bool],
        chosen: tuple[np.ndarray, np.ndarray],
        repeat_share: float,
    ):
        self.users = users
        self.user_vectors = user_vectors
        self.items = items
        self.item_index = {item: i for i, item in enumerate(items)}
        self.item_vectors = item_vectors
        self.attributes = attributes  # (COLUMN upper case, value token) -> the items that have it
        self.columns = columns  # the attribute columns, upper case -> whether they are numeric
        self.chosen_by, self.chosen_from = chosen  # the users who chose each item: item i's are [from[i]:from[i+1]]
        self.repeat_share = repeat_share

    def knows_item(self, item_id):
        return item_id in self.item_index

    def items_with(self, conditions: list[tuple[str, str]]) -> list[str]:
        """The items known at training that have every (COLUMN, value token) of `conditions`."""
        found: set[int] | None = None
        for condition in conditions:
            having = set(self.attributes.get(condition, ()))
            found = having if found is None else found & having
        return [self.items[i] for i in sorted(found or ())]

    def segment(self, item_ids: list[str], count: int, exclude: AbstractSet[str] = frozenset()) -> list[str]:
        """The `count` users most likely to interact with the items (the mean of their scores), most likely first,
        ties by user id; none of `exclude`."""
        rows = np.array([self.item_index[i] for i in item_ids], dtype=np.int64)
        scores = self.user_vectors @ self.item_vectors[rows].mean(axis=0)
        users = np.concatenate([self.chosen_by[self.chosen_from[r] : self.chosen_from[r + 1]] for r in rows])
        items = np.repeat(rows, self.chosen_from[rows + 1] - self.chosen_from[rows])
        again = (self.user_vectors[users] * self.item_vectors[items]).sum(axis=1)  # those who chose it, as chosen
        np.add.at(scores, users, -(1.0 - self.repeat_share) * again / len(rows))
        if exclude:
            scores[[u in exclude for u in self.users]] = -np.inf
        order = np.argsort(-scores, kind="stable")[:count]  # users are sorted by id, so ties go by id
        return [self.users[u] for u in order if np.isfinite(scores[u])]


class ItemAffinity(Recipe):
    name = "aws-item-affinity"
    recipe_type = USER_SEGMENTATION
    needs_attributes = False

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, HYPERPARAMETERS, requested)

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> AffinityModel:
        columns = attribute_columns(data)
        if self.needs_attributes and not columns:
            raise TrainingFailed(
                f"{self.name} needs an Items dataset with at least one metadata column that is neither textual nor "
                "reserved."
            )
        dimension = int(parse_all(HYPERPARAMETERS, self.hyperparameters(config.hyperparameters))["hidden_dimension"])
        pairs = data.interactions[["USER_ID", "ITEM_ID"]].drop_duplicates()
        users = sorted(pairs["USER_ID"].unique())
        items = list(data.catalogue())
        attributes, kinds = _attributes(data, columns, {item: i for i, item in enumerate(items)})
        user_codes = pd.Index(users).get_indexer(pairs["USER_ID"])
        item_codes = pd.Index(items).get_indexer(pairs["ITEM_ID"])
        # one more column per attribute value: 1 for the users who chose an item that has it
        having = pd.DataFrame(
            [(item, code) for code, rows in enumerate(attributes.values()) for item in rows], columns=["item", "code"]
        )
        chose = pd.DataFrame({"user": user_codes, "item": item_codes})
        valued = chose.merge(having, on="item")[["user", "code"]].drop_duplicates()
        user_vectors, column_vectors = _fit(
            np.concatenate([user_codes, valued["user"].to_numpy()]).astype(np.int64),
            np.concatenate([item_codes, len(items) + valued["code"].to_numpy()]).astype(np.int64),
            len(users),
            len(items) + len(attributes),
            dimension,
            config.seed,
        )
        item_vectors = column_vectors[: len(items)]
        cold = having[~having["item"].isin(item_codes)]  # items without interactions: their values' mean vector
        grouped = cold.groupby("item")["code"].agg(list)
        for item, codes in zip(grouped.index.to_numpy(dtype=np.int64), grouped, strict=True):
            item_vectors[item] = column_vectors[len(items) + np.array(codes)].mean(axis=0)
        order = np.argsort(item_codes, kind="stable")
        chosen = (user_codes[order].astype(np.int64), np.searchsorted(item_codes[order], np.arange(len(items) + 1)))
        ordered = data.interactions.sort_values("TIMESTAMP", kind="stable")
        repeat_share = float(ordered.duplicated(["USER_ID", "ITEM_ID"]).mean())
        return AffinityModel(users, user_vectors, items, item_vectors, attributes, kinds, chosen, repeat_share)


class ItemAttributeAffinity(ItemAffinity):
    name = "aws-item-attribute-affinity"
    needs_attributes = True


def _attributes(
    data: TrainingData, columns: list[str], index: dict[str, int]
) -> tuple[dict[tuple[str, str], list[int]], dict[str, bool]]:
    """Each (COLUMN, value token) of the Items dataset and the items that have it; whether each column is numeric."""
    found: dict[tuple[str, str], list[int]] = {}
    numeric: dict[str, bool] = {}
    schema = data.schemas.get("ITEMS")
    if data.items is None or schema is None:
        return found, numeric
    ids = data.items["ITEM_ID"].map(index)
    for name in columns:
        field = schema.field(name)
        assert field is not None  # columns come from the schema
        numeric[name.upper()] = field.type in NUMERIC
        for row, value in zip(ids, data.items[name], strict=True):
            if pd.isna(value):
                continue
            for part in str(value).split("|") if field.categorical else (value,):
                found.setdefault((name.upper(), token(part)), []).append(int(row))
    return found, numeric


def _fit(
    user_codes: np.ndarray,
    column_codes: np.ndarray,
    user_count: int,
    column_count: int,
    dimension: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """User vectors (scaled by the shrunk singular values) and column vectors of the 0/1 matrix whose ones are
    (user_codes, column_codes); their products reconstruct it without its noise."""
    if not len(user_codes):
        raise TrainingFailed("There are no interactions to learn user segments from.")
    scaled = row_embeddings(
        user_codes, column_codes, np.ones(len(user_codes)), (user_count, column_count), dimension, seed
    ).astype(np.float64)
    singular = np.sqrt((scaled**2).sum(axis=0))
    kept = singular > 0
    scaled, singular = scaled[:, kept], singular[kept]
    left = scaled / singular
    right = np.zeros((column_count, len(singular)))
    np.add.at(right, column_codes, left[user_codes])  # X^T U = V S
    right /= singular
    density = len(user_codes) / (user_count * column_count)
    noise = np.sqrt(density * (1 - density)) * (np.sqrt(user_count) + np.sqrt(column_count))
    shrunk = np.maximum(singular - noise, 0.0)
    if not shrunk.any():  # nothing stands above the noise: keep the strongest direction as it is
        shrunk[:1] = singular[:1]
    kept = shrunk > 0
    return (left[:, kept] * shrunk[kept]).astype(np.float32), right[:, kept].astype(np.float32)
