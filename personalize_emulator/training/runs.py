"""Training a solution version: a snapshot of the dataset group, AWS's minimums, the recipe, the metrics."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.errors import JobFailed
from personalize_emulator.recipes.base import Model, Recipe, TrainingConfig, TrainingData
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.training.metrics import evaluate

log = logging.getLogger("personalize_emulator.training")

MIN_INTERACTIONS = 1000
MIN_USERS_WITH_TWO = 25
DEFAULT_HPO_JOBS = 4  # AWS runs dozens of jobs; a laptop runs a few, and says so in the log
MAX_HPO_JOBS = 8
DEFAULT_HPO_OBJECTIVE = "normalized_discounted_cumulative_gain_at_25"
# A FULL version trains twice: a model on AWS's split that get_solution_metrics scores, then the model it serves
METRICS_MODEL = "metrics model (AWS's split, scored by get_solution_metrics)"
DEPLOYED_MODEL = "deployed model (all the data)"
UPDATED_MODEL = "update (the deployed network grown to the new items and users)"


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
    for kind in ("ITEMS", "USERS"):
        dataset = dataset_of(backend, group_arn, kind)
        frames[kind] = dataset.table.frame() if dataset is not None else None
        if dataset is not None:
            schemas[kind] = dataset.table.schema
    return TrainingData(interactions.reset_index(drop=True), frames["ITEMS"], frames["USERS"], schemas)


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
        announce(UPDATED_MODEL, 1, 1)
        return Trained(recipe.train(data, config, previous), dict(previous_metrics or {}), config.hyperparameters)
    if hpo is not None:
        best, metrics = tune(recipe, data, config, hpo)
        chosen = replace(config, hyperparameters=best)
        announce(DEPLOYED_MODEL, hpo_jobs(hpo) + 1, hpo_jobs(hpo) + 1)
        return Trained(recipe.train(data, chosen), metrics, best, tuned=True)
    announce(METRICS_MODEL, 1, 2)
    metrics = evaluate(recipe, data, config)
    announce(DEPLOYED_MODEL, 2, 2)
    return Trained(recipe.train(data, config, previous), metrics, config.hyperparameters)


def announce(purpose: str, part: int, parts: int) -> None:
    """Log which of a version's trainings starts, so whoever reads the epochs that follow knows what they train
    (`training` and `part` ride on the record for handlers that chart them)."""
    log.info("training %d of %d: %s", part, parts, purpose, extra={"training": purpose, "part": (part, parts)})


def tune(
    recipe: Recipe, data: TrainingData, config: TrainingConfig, hpo: dict[str, Any]
) -> tuple[dict[str, str], dict[str, float]]:
    """Random search over `hpo`'s ranges (the recipe's own by default), scored on the metrics split.

    The first candidate is the configured set, so tuning never ends worse than not tuning on that split.
    """
    ranges = hpo.get("algorithmHyperParameterRanges") or recipe.search_space
    jobs = hpo_jobs(hpo)
    objective = hpo.get("hpoObjective", {}).get("metricName") or DEFAULT_HPO_OBJECTIVE
    rng = np.random.default_rng(config.seed)
    best: tuple[float, dict[str, str], dict[str, float]] | None = None
    for job in range(jobs):
        candidate = dict(config.hyperparameters)
        if job:
            candidate |= sample_hyperparameters(ranges, rng)
        candidate = recipe.hyperparameters(candidate)
        announce(f"{METRICS_MODEL}, HPO job {job + 1}", job + 1, jobs + 1)
        metrics = evaluate(recipe, data, replace(config, hyperparameters=candidate))
        log.info("hpo job %d: %s -> %s %.4f", job + 1, candidate, objective, metrics.get(objective, 0.0))
        if best is None or metrics.get(objective, 0.0) > best[0]:
            best = (metrics.get(objective, 0.0), candidate, metrics)
    return best[1], best[2]


def hpo_jobs(hpo: dict[str, Any]) -> int:
    """How many candidates the search trains: the requested `maxNumberOfTrainingJobs`, at most `MAX_HPO_JOBS`."""
    jobs = int(hpo.get("hpoResourceConfig", {}).get("maxNumberOfTrainingJobs", DEFAULT_HPO_JOBS))
    return max(1, min(jobs, MAX_HPO_JOBS))


def sample_hyperparameters(ranges: dict[str, Any], rng: np.random.Generator) -> dict[str, str]:
    out = {}
    for spec in ranges.get("integerHyperParameterRanges", []):
        out[spec["name"]] = str(int(rng.integers(spec["minValue"], spec["maxValue"] + 1)))
    for spec in ranges.get("continuousHyperParameterRanges", []):
        out[spec["name"]] = str(float(rng.uniform(spec["minValue"], spec["maxValue"])))
    for spec in ranges.get("categoricalHyperParameterRanges", []):
        out[spec["name"]] = str(rng.choice(spec["values"]))
    return out
