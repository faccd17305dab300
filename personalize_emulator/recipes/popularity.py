"""`aws-popularity-count`: items ranked by how many distinct users interacted with them; the same list for all.

Like AWS, it shows no scores: the order is the answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from personalize_emulator.recipes.base import Model, Recipe, TrainingConfig, TrainingData


class PopularityModel(Model):
    def __init__(self, item_ids: np.ndarray, users_per_item: np.ndarray):
        order = np.lexsort((item_ids, -users_per_item))  # most users first, ties by item id for stability
        self.ranked = [str(item) for item in item_ids[order]]
        self._position = {item: i for i, item in enumerate(self.ranked)}

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        if not exclude:
            return [(item, None) for item in self.ranked[:num_results]]
        return [(item, None) for item in self.ranked if item not in exclude][:num_results]

    def rank(self, user_id, item_ids, context=None):
        known = [i for i in dict.fromkeys(item_ids) if i in self._position]
        known.sort(key=self._position.__getitem__)
        return [(i, None) for i in known]

    def knows_item(self, item_id):
        return item_id in self._position

    def item_ids(self):
        return list(self.ranked)


class PopularityCount(Recipe):
    name = "aws-popularity-count"

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> PopularityModel:
        counts = self.counts(data.interactions).reindex(data.catalogue(), fill_value=0)
        return PopularityModel(counts.index.to_numpy(dtype=object), counts.to_numpy(dtype=float))

    @staticmethod
    def counts(frame: pd.DataFrame) -> pd.Series:
        """Each item's popularity: its number of distinct users."""
        return frame.groupby("ITEM_ID", sort=False)["USER_ID"].nunique()


class EventCount(PopularityCount):
    """Items ranked by their number of interactions, for the ECOMMERCE use cases that count "how many times your
    customers viewed (purchased) an item" rather than how many customers did. Not a recipe of AWS's catalogue."""

    name = "event-count"

    @staticmethod
    def counts(frame: pd.DataFrame) -> pd.Series:
        return frame["ITEM_ID"].value_counts(sort=False)
