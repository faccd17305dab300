"""Recommenders: a use case of a Domain dataset group, trained on the group's data and served by its ARN.

Their lifecycle (DescribeRecommender): CREATE PENDING > CREATE IN_PROGRESS > ACTIVE or CREATE FAILED; STOP PENDING >
STOP IN_PROGRESS > INACTIVE > START PENDING > START IN_PROGRESS > ACTIVE; DELETE PENDING > DELETE IN_PROGRESS. An
update has a status of its own (`latestRecommenderUpdate`); the recommender serves with its old configuration
until the update is ACTIVE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import Model
from personalize_emulator.resources.arns import dataset_arn, name_of
from personalize_emulator.resources.base import PendingUpdate, Resource
from personalize_emulator.resources.campaigns import DEFAULT_EXPLORATION, check_exploration
from personalize_emulator.resources.lifecycle import CREATING, DELETING
from personalize_emulator.resources.use_cases import USE_CASES, UseCase

TRAINING_DATASETS = ("INTERACTIONS", "ITEMS", "USERS")
# "You can't exclude EVENT_TYPE columns" (create-recommender-configure-columns); nor, here, the ids and time.
KEPT_COLUMNS = {"USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"}


@dataclass(eq=False)
class RecommenderUpdate(PendingUpdate):
    """`latestRecommenderUpdate`."""

    recommender_config: dict[str, Any]

    def settings(self) -> dict[str, Any]:
        return {"recommenderConfig": self.recommender_config}


@dataclass(eq=False)
class Recommender(Resource):
    kind = "recommender"
    arn_member = "recommenderArn"
    config_member = "recommenderConfig"

    dataset_group_arn: str = ""
    recipe_arn: str = ""
    recommender_config: dict[str, Any] = field(default_factory=dict)
    latest_update: RecommenderUpdate | None = None
    model: Model | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    requests: int = 0  # GetRecommendations calls served, for the seed of exploration

    @property
    def use_case(self) -> UseCase:
        return USE_CASES[name_of(self.recipe_arn)]

    @property
    def recipe_type(self) -> str:
        return self.use_case.engine.recipe_type

    @property
    def trained(self) -> Model:
        if self.model is None:
            raise InvalidInputException(f"The recommender {self.arn} has no trained model; it is {self.status}.")
        return self.model

    @property
    def served(self) -> Recommender:
        """What answers its requests: itself."""
        return self

    @property
    def exploration(self) -> dict[str, str] | None:
        """AWS's defaults, overridden by the configuration, for the use cases that explore (the configuration
        itself reads back as given: AWS shows `"recommenderConfig": {}` for a recommender created without one)."""
        if not self.use_case.explores:
            return None
        return DEFAULT_EXPLORATION | (self.recommender_config.get("itemExplorationConfig") or {})

    @property
    def returns_metadata(self) -> bool:
        return bool(self.recommender_config.get("enableMetadataWithRecommendations"))

    def details(self) -> dict[str, Any]:
        settled = self.status not in CREATING | DELETING
        return {
            "datasetGroupArn": self.dataset_group_arn,
            "recipeArn": self.recipe_arn,
            "recommenderConfig": self.recommender_config,
            "latestRecommenderUpdate": self.latest_update.summary() if self.latest_update else None,
            # "The modelMetrics key is null when the recommender is being created or deleted."
            "modelMetrics": self.metrics if settled and self.metrics else None,
        }

    def depends_on(self) -> tuple[str, ...]:
        """Its dataset group; and while it trains, the datasets it reads."""
        training = self.status in CREATING or (self.latest_update is not None and self.latest_update.status in CREATING)
        datasets = tuple(dataset_arn(self.dataset_group_arn, kind) for kind in TRAINING_DATASETS) if training else ()
        return (self.dataset_group_arn, *datasets)


def recommender_config_for(use_case: UseCase, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration as given, once checked against the use case."""
    config = dict(requested or {})
    exploration = config.get("itemExplorationConfig")
    if exploration is not None:
        if not use_case.explores:
            raise InvalidInputException(
                "itemExplorationConfig applies only to use cases that personalize for a user (Top picks for you, "
                f"Recommended for you), not to {use_case.name}."
            )
        check_exploration(DEFAULT_EXPLORATION | exploration)
    training = config.get("trainingDataConfig") or {}
    for member, columns_by_type in training.items():
        for dataset_type, columns in columns_by_type.items():
            if dataset_type.upper() not in TRAINING_DATASETS:
                raise InvalidInputException(
                    f"trainingDataConfig.{member} names the dataset {dataset_type}; a recommender trains on "
                    f"{', '.join(TRAINING_DATASETS)}."
                )
            kept = sorted(KEPT_COLUMNS & {c.upper() for c in columns})
            if member == "excludedDatasetColumns" and kept:
                raise InvalidInputException(
                    f"trainingDataConfig.excludedDatasetColumns cannot exclude {kept[0]}: recommenders always train "
                    f"with {', '.join(sorted(KEPT_COLUMNS))}."
                )
    return config


def training_columns(config: dict[str, Any]) -> dict[str, dict[str, frozenset[str]]]:
    """What of the configuration decides what a recommender trains on: a change to it retrains ("If you provide
    the same columns you provided when you created the recommender, no update occurs")."""
    out = {}
    for member, by_type in (config.get("trainingDataConfig") or {}).items():
        named = {kind.upper(): frozenset(c.upper() for c in columns) for kind, columns in by_type.items() if columns}
        if named:
            out[member] = named
    return out
