"""Training a solution version: a snapshot of the dataset group, AWS's minimums, the recipe, the metrics."""

from __future__ import annotations

import logging
import math
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
    Split,
    SplitTraining,
    TrainingConfig,
    TrainingData,
)
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.training.action_metrics import evaluate_actions
from personalize_emulator.training.metrics import measure, split
from personalize_emulator.training.segment_metrics import evaluate_segments

log = logging.getLogger("personalize_emulator.training")

MIN_INTERACTIONS = 1000
MIN_USERS_WITH_TWO = 25
DEFAULT_HPO_JOBS = 4  # AWS runs dozens of jobs; a laptop runs a few, and says which in the log
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

    The users' rule is the guide's exact sentence ("Create failed. Dataset has fewer than 25 users with at least
    2 interactions each."); it quotes none for the 1,000 rule, worded alike here. The counts found follow AWS's
    words, never inside them, so the reader knows how far off the data is.
    """
    per_user = interactions["USER_ID"].value_counts()
    users_with_two = int((per_user >= 2).sum())
    problems = []
    if len(interactions) < MIN_INTERACTIONS:
        problems.append(f"Dataset has fewer than {MIN_INTERACTIONS} interactions.")
    if users_with_two < MIN_USERS_WITH_TWO:
        problems.append(f"Dataset has fewer than {MIN_USERS_WITH_TWO} users with at least 2 interactions each.")
    if problems:
        found = f"It has {len(interactions)} interactions and {users_with_two} users with at least 2 interactions each."
        raise JobFailed(" ".join(["Create failed.", *problems, found]))


@dataclass
class Trained:
    model: Model
    metrics: dict[str, float]
    hyperparameters: dict[str, str]
    tuned: bool = False


@dataclass
class Measure:
    """AWS's split of a version's data, and the metrics of a training on its training part."""

    recipe: Recipe
    split: Split
    truth: dict[str, list[str]]
    catalogue_size: int

    def __call__(self, run: SplitTraining) -> dict[str, float]:
        model = run.measured(self.truth.keys())
        return measure(self.recipe, model, self.split.train, self.truth, self.catalogue_size)


def train(
    recipe: Recipe,
    data: TrainingData,
    config: TrainingConfig,
    previous: Model | None = None,
    previous_metrics: dict[str, float] | None = None,
    hpo: dict[str, Any] | None = None,
) -> Trained:
    """The deployed model and its offline metrics, from one training: on AWS's split, measured, then carried on
    to all the data (a recipe that cannot carry on trains twice).

    UPDATE training keeps the metrics of the version it updates (it trains nothing anew to measure); with
    `hpo` (performHPO), a search on the split picks the training that carries on.
    """
    if config.training_mode == "UPDATE":
        return Trained(recipe.train(data, config, previous), dict(previous_metrics or {}), config.hyperparameters)
    evaluation = EVALUATIONS.get(recipe.recipe_type)
    if evaluation is not None:  # measured on their own protocol, then trained on all the data (HPO does not apply)
        return Trained(recipe.train(data, config, previous), evaluation(recipe, data, config), config.hyperparameters)
    part, truth = split(data, config.seed)
    prepared = recipe.prepare(Split(part, data))
    scores = Measure(recipe, prepared, truth, len(data.catalogue()))
    if hpo is not None:
        run, hyperparameters, metrics = tune(recipe, prepared, scores, config, hpo)
        return Trained(run.finish(), metrics, hyperparameters, tuned=True)
    run = recipe.start(prepared, config)
    run.advance(1.0)
    metrics = scores(run)
    return Trained(run.finish(), metrics, config.hyperparameters)


RUNGS = (1 / 3, 2 / 3)  # shares of the training at which HPO keeps the better half of its candidates


def tune(
    recipe: Recipe, prepared: Split, scores: Measure, config: TrainingConfig, hpo: dict[str, Any]
) -> tuple[SplitTraining, dict[str, str], dict[str, float]]:
    """Random search over `hpo`'s ranges (the recipe's own by default), scored on the metrics split; the winning
    training, its hyperparameters and its metrics.

    The first candidate is the configured set. The candidates train side by side on the prepared data; at a
    third and at two thirds of the training, those in the lower half of the objective stop (successive
    halving, as in SageMaker's Hyperband), so four candidates cost about 2.3 trainings, not 4.
    """
    ranges = hpo.get("algorithmHyperParameterRanges") or recipe.search_space
    jobs = hpo_jobs(hpo)
    objective = hpo.get("hpoObjective", {}).get("metricName") or DEFAULT_HPO_OBJECTIVE
    rng = np.random.default_rng(config.seed)
    candidates = []
    for job in range(jobs):
        candidate = dict(config.hyperparameters)
        if job:
            candidate |= sample_hyperparameters(ranges, rng)
        candidates.append(recipe.hyperparameters(candidate))
    runs = {
        job: recipe.start(
            prepared,
            replace(
                config,
                hyperparameters=candidate,
                label=f"{config.label} HPO job {job + 1}/{jobs}",
                budget=candidates[0],
            ),
        )
        for job, candidate in enumerate(candidates)
    }
    for rung in RUNGS:
        if len(runs) == 1:
            break
        objectives = {}
        for job, run in runs.items():
            run.advance(rung)
            objectives[job] = scores(run).get(objective, 0.0)
        ranked = sorted(runs, key=lambda job: -objectives[job])  # ties: the earlier job first
        for job in ranked[math.ceil(len(ranked) / 2) :]:
            log.info(
                "%s HPO job %d/%d stops at %d%%: %s %.4f, in the lower half",
                config.label, job + 1, jobs, round(100 * rung), objective, objectives[job],
            )  # fmt: skip
            del runs[job]
    finals = {}
    for job, run in runs.items():
        run.advance(1.0)
        finals[job] = scores(run)
    best = max(finals, key=lambda job: (finals[job].get(objective, 0.0), -job))
    log.info(
        "%s HPO picks job %d/%d (%s): %s %.4f",
        config.label, best + 1, jobs, candidates[best], objective, finals[best].get(objective, 0.0),
    )  # fmt: skip
    return runs[best], candidates[best], finals[best]


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
