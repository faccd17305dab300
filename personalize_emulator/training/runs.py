"""Training a solution version: a snapshot of the dataset group, AWS's minimums, the recipe, the metrics."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.errors import JobFailed
from personalize_emulator.recipes.base import (
    PERSONALIZED_ACTIONS,
    USER_SEGMENTATION,
    Model,
    Recipe,
    TrainingConfig,
    TrainingData,
)
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.training.action_metrics import evaluate_actions
from personalize_emulator.training.metrics import evaluate
from personalize_emulator.training.segment_metrics import evaluate_segments

log = logging.getLogger("personalize_emulator.training")

MIN_INTERACTIONS = 1000
MIN_USERS_WITH_TWO = 25
DEFAULT_HPO_JOBS = 4  # AWS runs dozens of jobs; a laptop runs a few, and says so in the log
MAX_HPO_JOBS = 8
DEFAULT_HPO_OBJECTIVE = "normalized_discounted_cumulative_gain_at_25"
EVALUATIONS = {
    USER_SEGMENTATION: evaluate_segments,
    PERSONALIZED_ACTIONS: evaluate_actions,
}  # recipe types whose metrics are not item rankings


def snapshot(
    backend: PersonalizeBackend, group_arn: str, solution_config: dict[str, Any], event_type: str | None
) -> TrainingData:
    """The group's data as the solution trains on it, or `JobFailed` saying what is missing."""

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
    frames, schemas = {}, {"INTERACTIONS": interactions_dataset.table.schema}
    for kind in ("ITEMS", "USERS", "ACTIONS", "ACTION_INTERACTIONS"):
        dataset = dataset_of(backend, group_arn, kind)
        frames[kind] = dataset.table.frame() if dataset is not None else None
        if dataset is not None:
            schemas[kind] = dataset.table.schema
    return TrainingData(
        interactions.reset_index(drop=True),
        frames["ITEMS"],
        frames["USERS"],
        schemas,
        frames["ACTIONS"],
        frames["ACTION_INTERACTIONS"],
    )


def check_minimums(interactions: pd.DataFrame) -> None:
    """AWS trains only on at least 1,000 interactions from at least 25 users with two or more each.

    The users' rule starts with the guide's exact words ("Create failed. Dataset has fewer than 25 users with
    at least 2 interactions each"); the guide quotes none for the 1,000 rule, which is worded alike. Each says
    what was found, so the reader knows how far off the data is.
    """
    per_user = interactions["USER_ID"].value_counts()
    users_with_two = int((per_user >= 2).sum())
    problems = []
    if len(interactions) < MIN_INTERACTIONS:
        problems.append(f"Dataset has fewer than {MIN_INTERACTIONS} interactions (it has {len(interactions)}).")
    if users_with_two < MIN_USERS_WITH_TWO:
        problems.append(
            f"Dataset has fewer than {MIN_USERS_WITH_TWO} users with at least 2 interactions each "
            f"(it has {users_with_two})."
        )
    if problems:
        raise JobFailed(" ".join(["Create failed.", *problems]))


@dataclass
class Trained:
    model: Model
    metrics: dict[str, float]
    hyperparameters: dict[str, str]
    tuned: bool = False


def train(
    recipe: Recipe,
    data: TrainingData,
    config: TrainingConfig,
    previous: Model | None = None,
    previous_metrics: dict[str, float] | None = None,
    hpo: dict[str, Any] | None = None,
) -> Trained:
    """The final model on all the data, and the offline metrics from a model trained on AWS's split.

    UPDATE training keeps the metrics of the version it updates (it trains nothing anew to measure); with
    `hpo` (performHPO), a small search on the split picks the hyperparameters first.
    """
    if config.training_mode == "UPDATE":
        return Trained(recipe.train(data, config, previous), dict(previous_metrics or {}), config.hyperparameters)
    if hpo is not None:
        best, metrics = tune(recipe, data, config, hpo)
        chosen = replace(config, hyperparameters=best)
        return Trained(recipe.train(data, chosen), metrics, best, tuned=True)
    metrics = EVALUATIONS.get(recipe.recipe_type, evaluate)(recipe, data, config)
    return Trained(recipe.train(data, config, previous), metrics, config.hyperparameters)


def tune(
    recipe: Recipe, data: TrainingData, config: TrainingConfig, hpo: dict[str, Any]
) -> tuple[dict[str, str], dict[str, float]]:
    """Random search over `hpo`'s ranges (the recipe's own by default), scored on the metrics split.

    The first candidate is the configured set, so tuning never ends worse than not tuning on that split.
    """
    ranges = hpo.get("algorithmHyperParameterRanges") or recipe.search_space
    jobs = int(hpo.get("hpoResourceConfig", {}).get("maxNumberOfTrainingJobs", DEFAULT_HPO_JOBS))
    objective = hpo.get("hpoObjective", {}).get("metricName") or DEFAULT_HPO_OBJECTIVE
    rng = np.random.default_rng(config.seed)
    best: tuple[float, dict[str, str], dict[str, float]] | None = None
    for job in range(max(1, min(jobs, MAX_HPO_JOBS))):
        candidate = dict(config.hyperparameters)
        if job:
            candidate |= sample_hyperparameters(ranges, rng)
        candidate = recipe.hyperparameters(candidate)
        metrics = evaluate(recipe, data, replace(config, hyperparameters=candidate))
        log.info("hpo job %d: %s -> %s %.4f", job + 1, candidate, objective, metrics.get(objective, 0.0))
        if best is None or metrics.get(objective, 0.0) > best[0]:
            best = (metrics.get(objective, 0.0), candidate, metrics)
    assert best is not None  # at least one job ran
    return best[1], best[2]


def sample_hyperparameters(ranges: dict[str, Any], rng: np.random.Generator) -> dict[str, str]:
    out = {}
    for spec in ranges.get("integerHyperParameterRanges", []):
        out[spec["name"]] = str(int(rng.integers(spec["minValue"], spec["maxValue"] + 1)))
    for spec in ranges.get("continuousHyperParameterRanges", []):
        out[spec["name"]] = str(float(rng.uniform(spec["minValue"], spec["maxValue"])))
    for spec in ranges.get("categoricalHyperParameterRanges", []):
        out[spec["name"]] = str(rng.choice(spec["values"]))
    return out
