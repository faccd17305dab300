"""Solution versions: a training run of a solution's recipe on its dataset group, and its metrics."""

from __future__ import annotations

import time

from personalize_emulator import settings
from personalize_emulator.api.control.common import checked_hyperparameters, listing, tags_of
from personalize_emulator.api.control.solutions import Solution, requested_hyperparameters
from personalize_emulator.errors import InvalidInputException, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.recipes import TrainingConfig
from personalize_emulator.resources import quotas
from personalize_emulator.resources.arns import solution_version_arn
from personalize_emulator.resources.base import require_active, require_created_or_creating
from personalize_emulator.resources.lifecycle import (
    ACTIVE,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    CREATE_STOPPED,
    CREATE_STOPPING,
    JobStopped,
    set_status,
    start_create,
)
from personalize_emulator.resources.solutions import UPDATABLE_RECIPES, SolutionVersion, versions_of
from personalize_emulator.training import runs


@operation("CreateSolutionVersion")
def create_solution_version(backend, solution_arn, training_mode=None, name=None, tags=None):
    solution = backend.get(solution_arn, Solution)
    require_created_or_creating(solution, "The solution")  # AWS's samples create it right after the solution
    mode = training_mode or "FULL"
    recipe = solution.recipe
    previous = _latest_full_model(solution) if mode == "UPDATE" else None
    if mode == "UPDATE":
        if solution.recipe_name not in UPDATABLE_RECIPES:
            raise InvalidInputException(
                "trainingMode UPDATE is only for the User-Personalization and legacy HRNN-Coldstart recipes; "
                f"this solution uses {solution.recipe_name}."
            )
        if previous is None:
            raise InvalidInputException(
                "trainingMode UPDATE needs an ACTIVE solution version trained with trainingMode FULL."
            )
    if mode == "AUTOTRAIN":
        raise InvalidInputException("trainingMode AUTOTRAIN is set by Amazon Personalize itself, not by callers.")
    hyperparameters = checked_hyperparameters(recipe, requested_hyperparameters(solution.solution_config))
    version = backend.add(
        SolutionVersion(
            arn=solution_version_arn(solution.arn),
            name=name or "",
            solution=solution,
            training_mode=mode,
            hyperparameters=hyperparameters,
            tags=tags_of(tags),
        ),
        admit=quotas.pending(backend, "pending_solution_versions", SolutionVersion),
    )
    solution.versions.append(version)

    def work():
        data = runs.snapshot(backend, solution.dataset_group_arn, solution.solution_config, solution.event_type)
        label = version.arn.split(":solution/", 1)[1]  # the solution's name and the version's id

        def interrupt() -> None:
            backend.jobs.check()  # the emulator was reset
            if version.status == CREATE_STOPPING:  # StopSolutionVersionCreation: no need to train on
                raise JobStopped()

        config = TrainingConfig(
            hyperparameters, solution.solution_config, mode, settings.seed(), settings.device(), label, interrupt
        )
        hpo = (solution.solution_config.get("hpoConfig") or {}) if solution.perform_hpo and mode == "FULL" else None
        started = time.monotonic()
        trained = runs.train(
            recipe, data, config, previous.model if previous else None, previous.metrics if previous else None, hpo
        )
        backend.jobs.check()
        hours = (time.monotonic() - started) / 3600

        def commit():
            version.model, version.metrics, version.training_hours = trained.model, trained.metrics, round(hours, 6)
            version.hyperparameters = trained.hyperparameters
            version.tuned = trained.tuned

        return commit

    start_create(backend.jobs, backend.lock, version, work, after=[solution])
    return {"solutionVersionArn": version.arn}


def _latest_full_model(solution: Solution) -> SolutionVersion | None:
    return next((v for v in versions_of(solution) if v.status == ACTIVE and v.model is not None), None)


@operation("DescribeSolutionVersion")
def describe_solution_version(backend, solution_version_arn):
    return {"solutionVersion": backend.get(solution_version_arn, SolutionVersion).describe()}


@operation("ListSolutionVersions")
def list_solution_versions(backend, solution_arn=None, next_token=None, max_results=None):
    if solution_arn is not None:
        backend.get(solution_arn, Solution)
    found = backend.all(SolutionVersion, lambda v: solution_arn in (None, v.solution.arn))
    return listing(found, "solutionVersions", "SolutionVersionSummary", next_token, max_results)


@operation("StopSolutionVersionCreation")
def stop_solution_version_creation(backend, solution_version_arn):
    """As AWS documents: CREATE PENDING goes straight to CREATE STOPPED; CREATE IN_PROGRESS passes through
    CREATE STOPPING while the training run winds down."""
    version = backend.get(solution_version_arn, SolutionVersion)
    with backend.lock:
        if version.status not in (CREATE_PENDING, CREATE_IN_PROGRESS):
            raise ResourceInUseException(
                f"The solution version {version.arn} is {version.status}; only a version being created can be stopped."
            )
        set_status(version, CREATE_STOPPED if version.status == CREATE_PENDING else CREATE_STOPPING)


@operation("GetSolutionMetrics")
def get_solution_metrics(backend, solution_version_arn):
    """Values rounded to 4 decimals, as AWS's recorded answers show them (`0.4046`)."""
    version = backend.get(solution_version_arn, SolutionVersion)
    require_active(version, "The solution version")
    return {"solutionVersionArn": version.arn, "metrics": {k: round(v, 4) for k, v in version.metrics.items()}}
