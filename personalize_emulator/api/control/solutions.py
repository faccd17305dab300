"""Solutions: a recipe and its configuration, bound to a dataset group."""

from __future__ import annotations

import time
from typing import Any

from personalize_emulator.api.control.common import checked_hyperparameters, listing, tags_of, unused_hyperparameters
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.recipes import recipe_to_train
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.recipes import trainable
from personalize_emulator.resources import quotas
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.lifecycle import ACTIVE, start_create
from personalize_emulator.resources.solutions import Solution, requested_hyperparameters


@operation("CreateSolution")
def create_solution(
    backend,
    name,
    dataset_group_arn,
    recipe_arn=None,
    perform_hpo=None,
    perform_auto_ml=None,
    perform_auto_training=None,
    perform_incremental_update=None,
    event_type=None,
    solution_config=None,
    tags=None,
):
    group = backend.get(dataset_group_arn, DatasetGroup)
    require_active(group, "The dataset group")
    if perform_auto_ml:
        raise InvalidInputException("performAutoML is not supported by personalize_emulator; choose a recipeArn.")
    if not recipe_arn:
        raise InvalidInputException("recipeArn is required when performAutoML is false.")
    entry = recipe_to_train(recipe_arn)
    if entry.domain is not None:
        raise InvalidInputException(
            f"{entry.name} is a use case of Domain dataset groups: create a recommender with it, not a solution."
        )
    if trainable(entry.name) is None:
        raise InvalidInputException(
            f"The recipe {entry.name} is not implemented by personalize_emulator yet; no stand-in results are given. "
            "Trainable recipes are listed in the README."
        )
    if solution_config and "eventValueThreshold" in solution_config:
        try:
            float(solution_config["eventValueThreshold"])
        except ValueError:
            raise InvalidInputException(
                "solutionConfig.eventValueThreshold must be a number, given as a string."
            ) from None
    _check_tuning(trainable(entry.name), solution_config or {}, bool(perform_hpo))
    solution = backend.add(
        Solution(
            arn=backend.arn(f"solution/{name}"),
            name=name,
            dataset_group_arn=group.arn,
            recipe_arn=recipe_arn,
            event_type=event_type,
            solution_config=solution_config or {},
            perform_hpo=bool(perform_hpo),
            perform_auto_training=True if perform_auto_training is None else perform_auto_training,
            perform_incremental_update=perform_incremental_update,
            tags=tags_of(tags),
        ),
        admit=quotas.active(
            backend,
            "active_solutions_per_dataset_group",
            Solution,
            "solution",
            lambda s: s.dataset_group_arn == group.arn,
        ),
    )
    start_create(backend.jobs, backend.lock, solution)
    return {"solutionArn": solution.arn}


def _check_tuning(recipe, config: dict[str, Any], perform_hpo: bool) -> None:
    """Refuse at creation what training would refuse: unknown or out-of-range hyperparameters, and ranges
    for hyperparameters the recipe does not have."""
    checked_hyperparameters(recipe, requested_hyperparameters(config))
    if not perform_hpo:
        return
    if not recipe.search_space:
        raise InvalidInputException(f"performHPO needs a recipe with hyperparameters to tune; {recipe.name} has none.")
    ranges = (config.get("hpoConfig") or {}).get("algorithmHyperParameterRanges") or {}
    known = set(recipe.hyperparameters({}))
    named = {spec.get("name") for kind in ranges.values() for spec in kind}
    if named - known:
        raise unused_hyperparameters(
            recipe.name,
            f"hpoConfig ranges name hyperparameters that {recipe.name} does not have: "
            f"{', '.join(sorted(named - known))}.",
        )


@operation("DescribeSolution")
def describe_solution(backend, solution_arn):
    return {"solution": backend.get(solution_arn, Solution).describe()}


@operation("ListSolutions")
def list_solutions(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(Solution, lambda s: dataset_group_arn in (None, s.dataset_group_arn))
    return listing(found, "solutions", "SolutionSummary", next_token, max_results)


@operation("UpdateSolution")
def update_solution(
    backend, solution_arn, perform_auto_training=None, perform_incremental_update=None, solution_update_config=None
):
    solution = backend.get(solution_arn, Solution)
    require_active(solution, "The solution")
    with backend.lock:
        if perform_auto_training is not None:
            solution.perform_auto_training = perform_auto_training
        if perform_incremental_update is not None:
            solution.perform_incremental_update = perform_incremental_update
        now = time.time()
        solution.latest_update = {
            "solutionUpdateConfig": solution_update_config or {},
            "status": ACTIVE,
            "performAutoTraining": solution.perform_auto_training,
            "performIncrementalUpdate": solution.perform_incremental_update,
            "creationDateTime": now,
            "lastUpdatedDateTime": now,
        }
    return {"solutionArn": solution.arn}


@operation("DeleteSolution")
def delete_solution(backend, solution_arn):
    solution = backend.get(solution_arn, Solution)
    backend.delete(solution, also_remove={v.arn for v in solution.versions})
