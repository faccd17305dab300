"""Training a recommender: its use case's data requirements, the columns its configuration leaves in, its engine,
and the metrics DescribeRecommender reports as `modelMetrics` (AWS's split, as for solution versions).

Every use case needs what every training needs (1,000 interactions, 25 users with two or more), plus its own:
the events of its type ("At minimum, 1000 `Watch` events") and the datasets it trains on (More like X needs an
Items dataset). AWS's reasons for these failures are not public; ours say what was needed and what was found.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from personalize_emulator.data.avro import AvroSchema
from personalize_emulator.errors import JobFailed
from personalize_emulator.recipes.base import TrainingConfig, TrainingData
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.recommenders import KEPT_COLUMNS
from personalize_emulator.resources.use_cases import MIN_EVENTS, UseCase
from personalize_emulator.training import runs

ID_COLUMNS = {"INTERACTIONS": KEPT_COLUMNS, "ITEMS": {"ITEM_ID"}, "USERS": {"USER_ID"}}


def train(
    backend: PersonalizeBackend, group_arn: str, use_case: UseCase, config: dict[str, Any], seed: int
) -> runs.Trained:
    """The use case's model trained on the group's data as the configuration allows, and its metrics; or
    `JobFailed` saying which requirement the data does not meet."""
    data = runs.snapshot(backend, group_arn, {}, None)
    if use_case.needs_items_dataset and data.items is None:
        raise JobFailed(
            f"Create failed. The use case {use_case.name} trains on an Items dataset, and the dataset group "
            f"{group_arn} has none."
        )
    data = replace(data, interactions=of_event_type(data.interactions, use_case.event_type))
    if use_case.event_type is not None and len(data.interactions) < MIN_EVENTS:
        raise JobFailed(
            f"Create failed. The use case {use_case.name} needs at least {MIN_EVENTS} {use_case.event_type} events "
            f"(it has {len(data.interactions)})."
        )
    data = columns_kept(data, config.get("trainingDataConfig") or {})
    hyperparameters = use_case.engine.hyperparameters(use_case.hyperparameters)
    return runs.train(use_case.engine, data, TrainingConfig(hyperparameters, seed=seed))


def of_event_type(interactions: pd.DataFrame, event_type: str | None) -> pd.DataFrame:
    """The interactions of `event_type`, matched without regard to case (all of them for None)."""
    if event_type is None:
        return interactions
    if "EVENT_TYPE" not in interactions:
        return interactions.iloc[:0]
    return interactions[interactions["EVENT_TYPE"].str.lower() == event_type.lower()].reset_index(drop=True)


def columns_kept(data: TrainingData, training: dict[str, dict[str, list[str]]]) -> TrainingData:
    """`data` without the columns `excludedDatasetColumns` names, and, for a dataset that `includedDatasetColumns`
    names, with only those (and its ids)."""
    excluded = {k.upper(): {c.upper() for c in v} for k, v in (training.get("excludedDatasetColumns") or {}).items()}
    included = {k.upper(): {c.upper() for c in v} for k, v in (training.get("includedDatasetColumns") or {}).items()}
    schemas = dict(data.schemas)

    def keep(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
        schema = data.schemas.get(kind)
        if schema is None or kind not in excluded | included:
            return frame
        kept = [
            f for f in schema.fields
            if f.name.upper() not in excluded.get(kind, set())
            and (kind not in included or f.name.upper() in included[kind] | ID_COLUMNS[kind])
        ]  # fmt: skip
        schemas[kind] = AvroSchema(schema.name, tuple(kept))
        return frame.drop(columns=[f.name for f in schema.fields if f not in kept])

    items = None if data.items is None else keep("ITEMS", data.items)
    users = None if data.users is None else keep("USERS", data.users)
    return TrainingData(keep("INTERACTIONS", data.interactions), items, users, schemas)
