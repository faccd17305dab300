"""What the control-plane handlers share: listing, tags on create, reaching S3 through the caller's role, and
refusing bad hyperparameters."""

from __future__ import annotations

from typing import Any

from personalize_emulator.data.s3 import S3AccessError, S3Location, reach
from personalize_emulator.errors import InvalidInputException, TooManyTagsException
from personalize_emulator.protocol.paging import page
from personalize_emulator.recipes.base import HyperparameterError, Recipe, UnknownHyperparameters
from personalize_emulator.resources.arns import global_arn
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.base import Resource, project
from personalize_emulator.resources.recipe_catalogue import BY_ARN

MAX_TAGS = 50


def tags_of(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """The `tags` member as a dict, refused with `TooManyTagsException` beyond AWS's 50 per resource."""
    out = {tag["tagKey"]: tag["tagValue"] for tag in tags or []}
    if len(out) > MAX_TAGS:
        raise TooManyTagsException(f"A resource can have at most {MAX_TAGS} tags; {len(out)} were given.")
    return out


def listing(
    resources: list[Resource], key: str, summary_shape: str, next_token: str | None, max_results: int | None
) -> dict[str, Any]:
    """A List* answer: summaries (descriptions projected on `summary_shape`), newest first, one page."""
    return page([project(r.describe(), summary_shape) for r in resources], key, next_token, max_results)


def reach_s3(
    backend: PersonalizeBackend,
    role_arn: str | None,
    url: str,
    actions: tuple[str, ...],
    error: type[Exception] = InvalidInputException,
    invalid: str = "",
) -> S3Location:
    """Check that Personalize may perform `actions` at `url` through `role_arn`.

    Checked when a job is created (refused with `InvalidInputException`) and again when it runs (the job
    ends `CREATE FAILED`, pass `error=JobFailed`), since the role or the object may be gone by then. `invalid` is
    AWS's words for a `url` that is no S3 location, where it has some.
    """
    try:
        return reach(backend.account_id, backend.region_name, role_arn, url, actions, invalid)
    except S3AccessError as exc:
        raise error(str(exc)) from None


def checked_hyperparameters(recipe: Recipe, requested: dict[str, str]) -> dict[str, str]:
    """The full set of hyperparameters a version of `recipe` trains with; bad ones refused as AWS refuses them."""
    try:
        return recipe.hyperparameters(requested)
    except UnknownHyperparameters as error:
        raise unused_hyperparameters(recipe.name, str(error)) from None
    except HyperparameterError as error:
        raise InvalidInputException(str(error)) from None


def unused_hyperparameters(recipe_name: str, detail: str) -> InvalidInputException:
    """AWS's words for hyperparameters the algorithm does not use (a recorded CreateSolution answer), then ours."""
    algorithm = BY_ARN[global_arn("recipe", recipe_name)].algorithm_arn
    return InvalidInputException(f"Provide a hyperparameter that is used in the algorithm: {algorithm}. {detail}")
