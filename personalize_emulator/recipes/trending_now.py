"""`aws-trending-now`: the items whose interactions grow fastest, the same list for everyone.

As the developer guide's Trending-Now page describes it: the recipe "identifies the top trending items by
calculating the increase in interactions that each item has over configurable intervals of time", the time
being "based on timestamp data in your Item interactions dataset"; the interval is the feature transformation
parameter `trend_discovery_frequency` (30 minutes, 1 hour, 2 hours, 3 hours or 1 day; 2 hours by default), and
"If you import zero interactions over the last two time intervals, Amazon Personalize recommends only popular
items". New events and new items count without a new solution version, and the Items and Users datasets are not
read. Batch inference is refused ("You can't get batch recommendations with the Trending-Now recipe").

Where AWS is silent: the last interval ends at the newest interaction timestamp (as item ages count back from it
for exploration, not from the clock); an item's increase is its count in the last interval minus its count in
the one before, so a steady best-seller does not trend and 1 -> 3 does not beat 100 -> 250; items with a positive
increase come first, most increase first (then most interactions in the last interval), and popular items
(most interactions overall) fill the rest of the list, which is also the whole list when nothing increased. Like
Popularity-Count, answers carry no scores.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from personalize_emulator.recipes.base import POPULAR_ITEMS, Model, Recipe, TrainingConfig, TrainingData
from personalize_emulator.recipes.hyperparameters import Spec, defaults, resolve

FREQUENCIES = {"30 minutes": 1_800, "1 hour": 3_600, "2 hours": 7_200, "3 hours": 10_800, "1 day": 86_400}
HYPERPARAMETERS = {"trend_discovery_frequency": Spec(str, None, None, "2 hours", choices=tuple(FREQUENCIES))}


class TrendingModel(Model):
    def __init__(self, interval: float, ids: list[str], codes: np.ndarray, times: np.ndarray):
        self.interval = interval
        self.ids = ids
        self.index = {item: i for i, item in enumerate(ids)}
        self.totals = np.bincount(codes, minlength=len(ids)).astype(np.int64)
        self.recent: list[tuple[np.ndarray, np.ndarray]] = [(codes, times)]  # (item code, timestamp) chunks
        self.ranked: list[str] | None = None  # cleared by new events
        self._lock = threading.Lock()

    def _ranking(self) -> list[str]:
        with self._lock:
            if self.ranked is None:
                self.ranked = self._rank()
            return self.ranked

    def _rank(self) -> list[str]:
        codes = np.concatenate([c for c, _ in self.recent])
        times = np.concatenate([t for _, t in self.recent])
        size = len(self.ids)
        if len(times):
            now = times.max()
            kept = times > now - 2 * self.interval  # the newest timestamp never goes back: older rows are done with
            codes, times = codes[kept], times[kept]
            self.recent = [(codes, times)]
            last = times > now - self.interval
            current = np.bincount(codes[last], minlength=size)
            increase = current - np.bincount(codes[~last], minlength=size)
        else:
            current = increase = np.zeros(size, dtype=np.int64)
        trending = increase > 0
        by_id = np.argsort(np.argsort(np.array(self.ids, dtype=object)))  # ties go to the smaller item id
        order = np.lexsort((by_id, -self.totals, -np.where(trending, current, 0), -np.where(trending, increase, 0)))
        return [self.ids[i] for i in order]

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        ranked = self._ranking()
        if not exclude:
            return [(item, None) for item in ranked[:num_results]]
        return [(item, None) for item in ranked if item not in exclude][:num_results]

    def rank(self, user_id, item_ids, context=None):
        position = {item: i for i, item in enumerate(self._ranking())}
        known = [i for i in dict.fromkeys(item_ids) if i in position]
        return [(i, None) for i in sorted(known, key=position.__getitem__)]

    def knows_item(self, item_id):
        return item_id in self.index

    def item_ids(self):
        return list(self.ids)

    def observe(self, rows: list[dict[str, Any]]) -> None:
        """Events count at once, and an item first seen in them joins the catalogue."""
        with self._lock:
            grown = len(self.ids)
            for row in rows:
                if row["ITEM_ID"] not in self.index:
                    self.index[row["ITEM_ID"]] = len(self.ids)
                    self.ids.append(row["ITEM_ID"])
            codes = np.array([self.index[row["ITEM_ID"]] for row in rows], dtype=np.int64)
            times = np.array([float(row["TIMESTAMP"]) for row in rows], dtype=np.float64)
            self.totals = np.append(self.totals, np.zeros(len(self.ids) - grown, dtype=np.int64))
            np.add.at(self.totals, codes, 1)
            self.recent.append((codes, times))
            self.catalogue_changes += len(self.ids) > grown
            self.ranked = None


class TrendingNow(Recipe):
    name = "aws-trending-now"
    recipe_type = POPULAR_ITEMS
    batch = False

    def defaults(self) -> dict[str, str]:
        return defaults(HYPERPARAMETERS)

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, HYPERPARAMETERS, requested)

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> TrendingModel:
        frequency = self.hyperparameters(config.hyperparameters)["trend_discovery_frequency"]
        frame = data.interactions
        items, codes = np.unique(frame["ITEM_ID"].to_numpy(dtype=object), return_inverse=True)
        times = frame["TIMESTAMP"].to_numpy(dtype=np.float64)
        return TrendingModel(float(FREQUENCIES[frequency]), [str(i) for i in items], codes.astype(np.int64), times)
