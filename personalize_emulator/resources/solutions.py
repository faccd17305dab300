"""Solutions (a recipe and its configuration, bound to a dataset group) and their versions (training runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes import trainable
from personalize_emulator.recipes.base import Model, Recipe
from personalize_emulator.resources.arns import DATASET_TYPES, dataset_arn
from personalize_emulator.resources.base import Resource, project
from personalize_emulator.resources.lifecycle import IN_FLIGHT

# Recipes whose versions can be trained incrementally with trainingMode=UPDATE: "User-Personalization recipe or
# the legacy HRNN-Coldstart recipe", says CreateSolutionVersion.
UPDATABLE_RECIPES = {"aws-user-personalization", "aws-hrnn-coldstart"}


@dataclass(eq=False)
class Solution(Resource):
    kind = "solution"
    arn_member = "solutionArn"

    dataset_group_arn: str = ""
    recipe_arn: str = ""
    event_type: str | None = None
    solution_config: dict[str, Any] = field(default_factory=dict)
    perform_hpo: bool = False
    perform_auto_training: bool = True
    perform_incremental_update: bool | None = None
    latest_update: dict[str, Any] | None = None
    versions: list[Any] = field(default_factory=list)

    @property
    def recipe_name(self) -> str:
        return self.recipe_arn.rsplit("/", 1)[-1]

    @property
    def recipe(self) -> Recipe:
        """The recipe that trains its versions (CreateSolution accepts only recipes trainable here)."""
        found = trainable(self.recipe_name)
        if found is None:
            raise InvalidInputException(f"The recipe {self.recipe_name} is not trainable by personalize_emulator.")
        return found

    def details(self) -> dict[str, Any]:
        versions = versions_of(self)
        return {
            "performHPO": self.perform_hpo,
            "performAutoML": False,
            "performAutoTraining": self.perform_auto_training,
            "performIncrementalUpdate": self.perform_incremental_update,
            "recipeArn": self.recipe_arn,
            "datasetGroupArn": self.dataset_group_arn,
            "eventType": self.event_type,
            "solutionConfig": self.solution_config,
            "latestSolutionVersion": project(versions[0].describe(), "SolutionVersionSummary") if versions else None,
            "latestSolutionUpdate": self.latest_update,
        }

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn,)


def versions_of(solution: Solution) -> list[Any]:
    """The solution's versions, newest first."""
    return sorted(solution.versions, key=lambda v: v.creation, reverse=True)


def requested_hyperparameters(config: dict[str, Any]) -> dict[str, str]:
    """`algorithmHyperParameters` with `featureTransformationParameters`: the guide's tables list featurization
    hyperparameters with the others, and AWS's HRNN-Coldstart sample passes its cold_start_* in the latter."""
    return {**(config.get("algorithmHyperParameters") or {}), **(config.get("featureTransformationParameters") or {})}


@dataclass(eq=False)
class SolutionVersion(Resource):
    kind = "solution-version"
    arn_member = "solutionVersionArn"

    solution: Solution = field(default=None)  # type: ignore[assignment]
    training_mode: str = "FULL"
    hyperparameters: dict[str, str] = field(default_factory=dict)
    training_hours: float | None = None
    tuned: bool = False  # the hyperparameters came from performHPO
    model: Model | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        if not self.name:
            del out["name"]
        return out

    def details(self) -> dict[str, Any]:
        s = self.solution
        config = dict(s.solution_config)
        config["algorithmHyperParameters"] = self.hyperparameters
        return {
            "solutionArn": s.arn,
            "performHPO": s.perform_hpo,
            "performAutoML": False,
            "performIncrementalUpdate": s.perform_incremental_update,
            "recipeArn": s.recipe_arn,
            "eventType": s.event_type,
            "datasetGroupArn": s.dataset_group_arn,
            "solutionConfig": config,
            "trainingHours": self.training_hours,
            "trainingMode": self.training_mode,
            "tunedHPOParams": {"algorithmHyperParameters": self.hyperparameters} if self.tuned else None,
            "trainingType": "MANUAL",
        }

    @property
    def dataset_group_arn(self) -> str:
        return self.solution.dataset_group_arn

    @property
    def recipe_type(self) -> str:
        return self.solution.recipe.recipe_type

    @property
    def trained(self) -> Model:
        """The model that answers for this version; serving asks only versions that finished training."""
        if self.model is None:
            raise InvalidInputException(f"The solution version {self.arn} has no trained model; it is {self.status}.")
        return self.model

    def depends_on(self) -> tuple[str, ...]:
        """While it trains: its solution, and the datasets it reads (AWS refuses to delete either meanwhile)."""
        if self.status not in IN_FLIGHT:
            return ()
        group = self.solution.dataset_group_arn
        return (self.solution.arn, *(dataset_arn(group, kind) for kind in DATASET_TYPES))
