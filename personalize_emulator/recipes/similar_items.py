"""`aws-similar-items`: items similar to an item by co-occurrence in users' histories AND by item metadata.

A classical stand-in for AWS's network, with AWS's knobs:
- behaviour: each item's set of users, reduced to `item_id_hidden_dim` dimensions by a truncated SVD of the
  item x user matrix; the cosine of two items approximates the cosine of their user sets (their co-occurrence).
- metadata: each item's Items record as a bag of weighted tokens, reduced to `item_metadata_hidden_dim` dimensions
  by a truncated SVD (latent semantic analysis). Categorical fields give one token per pipe-joined value, numeric
  fields the quintile their value falls in, textual fields their words (3 letters or more, lower-cased); tokens
  are weighted by TF-IDF, and each field is scaled to length 1 so that every field counts alike.
- similarity = (cosine of behaviour + cosine of metadata) / 2, each 0 where an item lacks that side, times
  `(1 + users of the candidate) ** 0.5`: popular candidates rise (the score then orders as raw co-occurrence does).
  AWS's recipe page documents only the two dimensions as hyperparameters, so this weight is fixed.
So an item with metadata and no interactions (a cold item) still has neighbours, through its metadata; an item
with neither, or one the model does not know, answers with popular items. CREATION_TIMESTAMP is age, not
likeness, and is not read; nor is the Users dataset, as AWS documents.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from personalize_emulator.recipes.base import Model, TrainingConfig, TrainingData
from personalize_emulator.recipes.hyperparameters import Spec, parse_all, resolve
from personalize_emulator.recipes.popularity import PopularityModel
from personalize_emulator.recipes.related_items import (
    RelatedItemsModel,
    RelatedItemsRecipe,
    incidence,
    row_embeddings,
    unit_rows,
)
from personalize_emulator.recipes.user_personalization.features import _tokens, metadata_fields

HYPERPARAMETERS = {
    "item_id_hidden_dim": Spec(int, 30, 200, "100"),
    "item_metadata_hidden_dim": Spec(int, 30, 200, "100"),
}
SEARCH_SPACE = {  # the two HPO-tunable knobs, over their documented ranges
    "integerHyperParameterRanges": [
        {"name": "item_id_hidden_dim", "minValue": 30, "maxValue": 200},
        {"name": "item_metadata_hidden_dim", "minValue": 30, "maxValue": 200},
    ]
}
NUMBER_BINS = 5
WORD = re.compile(r"\w{3,}")
TINY = 1e-6  # similarities below this are rounding, not likeness


class SimilarItemsModel(RelatedItemsModel):
    def __init__(self, popular: PopularityModel, vectors: np.ndarray, boost: np.ndarray):
        super().__init__(popular)
        self.index = {item: i for i, item in enumerate(popular.ranked)}  # popularity order: ties go to the popular
        self.vectors = vectors  # [item, dimension]: behaviour and metadata halves, each of length 0 or sqrt(1/2)
        self.boost = boost  # [item] popularity factor

    def knows_item(self, item_id):
        return item_id in self.index

    def neighbours(self, item_id: str) -> Iterable[str]:
        scores = (self.vectors @ self.vectors[self.index[item_id]]) * self.boost
        scores = np.round(scores, 5)  # rounding noise (which varies with memory layout) must not break ties
        order = np.argsort(-scores, kind="stable")
        return (self.popular.ranked[j] for j in order[scores[order] > TINY])


class SimilarItems(RelatedItemsRecipe):
    name = "aws-similar-items"
    search_space = SEARCH_SPACE

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, HYPERPARAMETERS, requested)

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        values = parse_all(HYPERPARAMETERS, self.hyperparameters(config.hyperparameters))
        popular = self.popular(TrainingData(data.interactions, data.items), config)
        index = {item: i for i, item in enumerate(popular.ranked)}
        items, users, user_count = incidence(data.interactions, index)
        behaviour = row_embeddings(
            items, users, np.ones(len(items)), (len(index), user_count), int(values["item_id_hidden_dim"]), config.seed
        )
        rows, cols, weights, token_count = metadata_tokens(data, index)
        metadata = row_embeddings(
            rows, cols, weights, (len(index), token_count), int(values["item_metadata_hidden_dim"]), config.seed
        )
        vectors = np.hstack([unit_rows(behaviour), unit_rows(metadata)]) * np.float32(math.sqrt(0.5))
        chosen_by = np.bincount(items, minlength=len(index))
        boost = np.sqrt(1.0 + chosen_by).astype(np.float32)
        return SimilarItemsModel(popular, vectors, boost)


def metadata_tokens(data: TrainingData, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The items' metadata as a sparse item x token matrix (rows, columns, TF-IDF weights), and its token count."""
    frame = data.items
    if frame is None or not len(frame):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
    frame = frame.drop_duplicates("ITEM_ID", keep="last")
    frame = frame[frame["ITEM_ID"].isin(index)]
    schema = data.schemas.get("ITEMS")
    categorical, numeric = metadata_fields(schema, {"ITEM_ID", "CREATION_TIMESTAMP"})
    textual = [f.name for f in schema.fields if f.textual] if schema else []
    fields: list[list[Counter]] = [[Counter(_tokens(v)) for v in frame[name]] for name in categorical]
    fields += [_quintiles(frame[name]) for name in numeric]
    fields += [[Counter(WORD.findall(str(v).lower())) if isinstance(v, str) else Counter() for v in frame[name]]
               for name in textual]  # fmt: skip
    positions = frame["ITEM_ID"].map(index).to_numpy()
    rows, cols, weights = [], [], []
    vocabulary: dict[tuple[int, str], int] = {}
    for number, bags in enumerate(fields):
        seen = Counter(token for bag in bags for token in bag)
        idf = {token: math.log((1 + len(bags)) / (1 + df)) + 1 for token, df in seen.items()}
        for position, bag in zip(positions, bags, strict=True):
            weighted = {token: count * idf[token] for token, count in bag.items()}
            length = math.sqrt(sum(w * w for w in weighted.values()))
            for token, weight in weighted.items():
                rows.append(position)
                cols.append(vocabulary.setdefault((number, token), len(vocabulary)))
                weights.append(weight / length)
    return np.array(rows, np.int64), np.array(cols, np.int64), np.array(weights), len(vocabulary)


def _quintiles(column: pd.Series) -> list[Counter]:
    """Each value as the token of its quintile among the field's values (none where it is missing)."""
    share = pd.to_numeric(column, errors="coerce").rank(pct=True, method="average")
    return [Counter() if pd.isna(p) else Counter({min(int(p * NUMBER_BINS), NUMBER_BINS - 1): 1}) for p in share]
