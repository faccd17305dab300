"""Training a solution version: a snapshot of the dataset group, AWS's minimums, the recipe, the metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .evaluation import evaluate
from .lifecycle import JobFailed
from .recipes.base import Model, Recipe, TrainingConfig, TrainingData

if TYPE_CHECKING:
    from .backend import PersonalizeBackend

MIN_INTERACTIONS = 1000
MIN_USERS_WITH_TWO = 25


def snapshot(
    backend: PersonalizeBackend, group_arn: str, solution_config: dict[str, Any], event_type: str | None
) -> TrainingData:
    """The group's data as the solution trains on it, or `JobFailed` saying what is missing."""
    from .control.datasets import dataset_of

    interactions_dataset = dataset_of(backend, group_arn, "INTERACTIONS")
    if interactions_dataset is None:
        raise JobFailed(f"The dataset group {group_arn} has no Interactions dataset; create one and import data.")
    interactions = interactions_dataset.table.frame()
    if event_type and "EVENT_TYPE" in interactions:
        interactions = interactions[interactions["EVENT_TYPE"] == event_type]
    threshold = solution_config.get("eventValueThreshold")
    if threshold is not None and "EVENT_VALUE" in interactions:
        interactions = interactions[interactions["EVENT_VALUE"] >= float(threshold)]
    check_minimums(interactions)
    frames = {}
    for kind in ("ITEMS", "USERS"):
        dataset = dataset_of(backend, group_arn, kind)
        frames[kind] = dataset.table.frame() if dataset is not None else None
    return TrainingData(interactions.reset_index(drop=True), frames["ITEMS"], frames["USERS"])


def check_minimums(interactions: pd.DataFrame) -> None:
    """AWS trains only on at least 1,000 interactions from at least 25 users with two or more each.

    The users' rule fails with the guide's exact words ("Create failed. Dataset has fewer than 25 users with
    at least 2 interactions each."); the guide quotes none for the 1,000 rule, which is worded alike.
    """
    per_user = interactions["USER_ID"].value_counts()
    problems = []
    if len(interactions) < MIN_INTERACTIONS:
        problems.append(f"Dataset has fewer than {MIN_INTERACTIONS} interactions.")
    if int((per_user >= 2).sum()) < MIN_USERS_WITH_TWO:
        problems.append(f"Dataset has fewer than {MIN_USERS_WITH_TWO} users with at least 2 interactions each.")
    if problems:
        raise JobFailed(" ".join(["Create failed.", *problems]))


def train(
    recipe: Recipe, data: TrainingData, config: TrainingConfig, previous: Model | None
) -> tuple[Model, dict[str, float]]:
    """The final model on all the data, and the offline metrics from a model trained on AWS's split."""
    metrics = evaluate(recipe, data, config)
    return recipe.train(data, config, previous), metrics
