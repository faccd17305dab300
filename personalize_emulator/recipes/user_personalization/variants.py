"""The recipes AWS documents as relatives of User-Personalization, as configurations of the same network.

- `aws-personalized-ranking` (PERSONALIZED_RANKING): the same hyperparameters; GetPersonalizedRanking re-ranks a list.
  It reads the Items dataset's text.
- `aws-user-personalization-v2`: one documented knob, `apply_recency_bias` (the network's `recency_mask`); the
  rest keep User-Personalization's defaults. It reads the Items dataset's text and does not explore (AWS
  suggests promotions to show new items). AWS trains a transformer; here the same recurrent network answers.
- Legacy HRNN recipes: `aws-hrnn` reads interactions alone (no Items, Users or context), `aws-hrnn-metadata`
  reads everything, `aws-hrnn-coldstart` reads everything and recommends only its cold items.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.recipes.base import (
    PERSONALIZED_RANKING,
    Model,
    Split,
    SplitTraining,
    TrainingConfig,
    TrainingData,
    TrainingFailed,
)
from personalize_emulator.recipes.hyperparameters import Spec, defaults, parse_all
from personalize_emulator.recipes.user_personalization import HYPERPARAMETERS, SEARCH_SPACE, UserPersonalization

DAY = 86_400
LEGACY_HIDDEN = "43"  # aws-hrnn and aws-hrnn-metadata; the guide gives HRNN-Coldstart 149, as User-Personalization
MIN_COLD_ITEMS, MAX_COLD_ITEMS = 100, 80_000
HRNN_FIELDS = ("USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE")  # what aws-hrnn reads


class PersonalizedRanking(UserPersonalization):
    name = "aws-personalized-ranking"
    recipe_type = PERSONALIZED_RANKING
    reads_text = True


class UserPersonalizationV2(UserPersonalization):
    name = "aws-user-personalization-v2"
    spec = {"apply_recency_bias": Spec(bool, None, None, "true")}
    search_space: dict[str, Any] = {}  # its one knob is not tunable
    reads_text = True

    def network_config(self, values: dict[str, Any], seed: int):
        base = parse_all(HYPERPARAMETERS, defaults(HYPERPARAMETERS))
        return super().network_config(base | {"recency_mask": values["apply_recency_bias"]}, seed)


class Hrnn(UserPersonalization):
    """Interactions alone: who chose what, when, and the event's type and value. Items and Users datasets,
    impressions and context fields are not read, so two items chosen alike score alike whatever their metadata,
    and a request's context changes nothing."""

    name = "aws-hrnn"
    spec = HYPERPARAMETERS | {
        "hidden_dimension": Spec(int, 32, 256, LEGACY_HIDDEN),
        "bptt": Spec(int, 1, 32, "32"),  # the HRNN page's range starts at 1, the others' at 2
    }
    search_space = {
        "integerHyperParameterRanges": [{"name": "hidden_dimension", "minValue": 32, "maxValue": 256}],
        "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": ["true", "false"]}],
    }

    def inputs(self, data: TrainingData) -> TrainingData:
        frame = data.interactions
        return TrainingData(frame[[c for c in frame if c in HRNN_FIELDS]])


class HrnnMetadata(UserPersonalization):
    name = "aws-hrnn-metadata"
    spec = HYPERPARAMETERS | {"hidden_dimension": Spec(int, 32, 256, LEGACY_HIDDEN)}


COLD_START = {
    "cold_start_max_interactions": Spec(int, None, None, "15", positive=True),
    "cold_start_max_duration": Spec(float, None, None, "5.0", positive=True),
    "cold_start_relative_from": Spec(str, None, None, "latestItem", choices=("currentTime", "latestItem")),
}


class HrnnColdstart(UserPersonalization):
    """HRNN-Metadata that recommends only cold items: at most `cold_start_max_interactions` interactions, and
    a first interaction within `cold_start_max_duration` days of the latest interaction in the dataset
    (`latestItem`) or of the training's clock (`currentTime`). Items with no interactions are cold: they are
    the new items this recipe exists for, scored by their metadata. The cold items are chosen again at each
    training, UPDATE included."""

    name = "aws-hrnn-coldstart"
    spec = HYPERPARAMETERS | COLD_START
    search_space = SEARCH_SPACE

    def start(self, prepared: Split, config: TrainingConfig) -> SplitTraining:
        for data in (prepared.train, prepared.full):  # refused before any training, as AWS would
            self.cold(data, config)
        return super().start(prepared, config)

    def restrict(self, model: Any, data: TrainingData, config: TrainingConfig) -> Model:  # the network's model
        cold = np.isin(np.array(model.catalogue.ids, dtype=object), list(self.cold(data, config)))
        model.recommendable = cold if model.recommendable is None else cold & model.recommendable
        return model

    def cold(self, data: TrainingData, config: TrainingConfig) -> set[str]:
        """The cold items of `data`, or `TrainingFailed` when there is no Items dataset or too few or too many."""
        if data.items is None:
            raise TrainingFailed("The aws-hrnn-coldstart recipe needs an Items dataset in the dataset group.")
        cold = cold_items(data, self.values(config.hyperparameters), time.time())
        if not MIN_COLD_ITEMS <= len(cold) <= MAX_COLD_ITEMS:
            raise TrainingFailed(
                f"The aws-hrnn-coldstart recipe needs between {MIN_COLD_ITEMS} and {MAX_COLD_ITEMS:,} cold items; "
                f"these hyperparameters make {len(cold)} (raise cold_start_max_interactions or "
                "cold_start_max_duration for more)."
            )
        return cold


def cold_items(data: TrainingData, values: dict[str, Any], now: float) -> set[str]:
    """The ids of the items that count as cold for HRNN-Coldstart's hyperparameters."""
    frame = data.interactions
    ids = data.catalogue()
    counts = frame["ITEM_ID"].value_counts().reindex(ids, fill_value=0).to_numpy()
    first = frame.groupby("ITEM_ID")["TIMESTAMP"].min().reindex(ids).to_numpy(dtype="float64")
    reference = float(frame["TIMESTAMP"].max()) if values["cold_start_relative_from"] == "latestItem" else now
    with np.errstate(invalid="ignore"):
        recent = ~((reference - first) / DAY > values["cold_start_max_duration"])  # no interaction: recent
    return set(pd.Index(ids)[(counts <= values["cold_start_max_interactions"]) & recent])
