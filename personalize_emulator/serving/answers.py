"""One request answered by a trained solution version: the rules shared by campaigns (the runtime) and batch
inference jobs. Each function takes the version and the request's members, and returns (item id, score) pairs.
"""

from __future__ import annotations

import numpy as np

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
    USER_SEGMENTATION,
)
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import filtering


def recipe_type(version: SolutionVersion) -> str:
    return version.solution.recipe.recipe_type


def recommend(
    backend,
    version: SolutionVersion,
    *,
    user_id: str | None = None,
    item_id: str | None = None,
    num_results: int,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    exploration: dict[str, str] | None = None,
    rng: np.random.Generator | None = None,
) -> list[tuple[str, float | None]]:
    """The recommendations of `version` for a user (USER_PERSONALIZATION) or an item (RELATED_ITEMS), without the
    items the filter removes (exploration included: it draws only from what the filter leaves)."""
    kind = recipe_type(version)
    if kind == PERSONALIZED_RANKING:
        raise InvalidInputException("This campaign ranks items: call GetPersonalizedRanking with an inputList.")
    if kind == PERSONALIZED_ACTIONS:
        raise InvalidInputException("This campaign recommends actions: call GetActionRecommendations with a userId.")
    if kind == USER_SEGMENTATION:
        raise InvalidInputException("This solution version makes user segments: create a batch segment job with it.")
    if kind == USER_PERSONALIZATION and not user_id:
        raise InvalidInputException("userId is required for a campaign of a USER_PERSONALIZATION recipe.")
    if kind == RELATED_ITEMS and not item_id:
        raise InvalidInputException("itemId is required for a campaign of a RELATED_ITEMS recipe.")
    exclude = None
    if filter_arn:
        exclude = filtering.excluded(
            backend,
            filter_arn,
            filter_values,
            group_arn=version.solution.dataset_group_arn,
            candidates=filtering.candidates_of(backend, version.trained),
            user_id=user_id,
            item_id=item_id,
        )
    return version.trained.recommend(
        user_id, num_results, context or {}, exclude=exclude, exploration=exploration, rng=rng, item_id=item_id
    )


def rank(
    backend,
    version: SolutionVersion,
    *,
    user_id: str,
    input_list: list[str],
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    subject: str = "",
) -> list[tuple[str, float | None]]:
    """`input_list` ordered for the user, without the items the filter removes; items the model does not know come
    last with score 0, as AWS does."""
    if recipe_type(version) != PERSONALIZED_RANKING:
        raise InvalidInputException(
            f"{subject or 'The solution version ' + version.arn} does not rank items: GetPersonalizedRanking needs "
            "a campaign of a PERSONALIZED_RANKING recipe, such as aws-personalized-ranking."
        )
    if filter_arn:
        removed = filtering.excluded(
            backend,
            filter_arn,
            filter_values,
            group_arn=version.solution.dataset_group_arn,
            candidates=filtering.Candidates(dict.fromkeys(input_list)),
            user_id=user_id,
        )
        input_list = [item for item in input_list if item not in removed]
    ranked = version.trained.rank(user_id, input_list, context or {})
    placed = {item for item, _ in ranked}
    return ranked + [(item, 0.0) for item in dict.fromkeys(input_list) if item not in placed]
