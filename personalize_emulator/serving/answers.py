"""One request answered by a trained model: the rules shared by campaigns and recommenders (the runtime) and batch
inference jobs. Each function takes what serves (a solution version or a recommender) and the request's members,
and returns (item id, score) pairs.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Protocol

import numpy as np

from personalize_emulator.data import interaction_history
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
    USER_SEGMENTATION,
    Model,
)
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.serving import filtering


class Served(Protocol):
    """What answers: a solution version (through a campaign or a batch job) or a recommender."""

    arn: str

    @property
    def dataset_group_arn(self) -> str: ...

    @property
    def recipe_type(self) -> str: ...

    @property
    def trained(self) -> Model: ...


def recommend(
    backend,
    served: Served,
    *,
    user_id: str | None = None,
    item_id: str | None = None,
    num_results: int,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    exploration: dict[str, str] | None = None,
    rng: np.random.Generator | None = None,
    excluded: AbstractSet[str] = frozenset(),
) -> list[tuple[str, float | None]]:
    """The recommendations of `served` for a user (USER_PERSONALIZATION) or an item (RELATED_ITEMS), without
    `excluded` (what a use case filters out on its own), the items the filter removes, nor those a data deletion job
    withheld (exploration included: it draws only from what is left)."""
    kind = served.recipe_type
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
    exclude = excluded
    if filter_arn:
        exclude = exclude | filtering.excluded(
            backend,
            filter_arn,
            filter_values,
            group_arn=served.dataset_group_arn,
            candidates=filtering.candidates_of(backend, served.trained),
            user_id=user_id,
            item_id=item_id,
        )
    model = served.trained
    if model.withheld_items:
        exclude = model.withheld_items | (exclude or frozenset())
    return model.recommend(
        user_id, num_results, context or {}, exclude=exclude, exploration=exploration, rng=rng, item_id=item_id
    )


def chosen_before(backend, group_arn: str, user_id: str | None, event_type: str) -> frozenset[str]:
    """The items `user_id` had events of `event_type` with (the 100 most recent, case ignored), which use cases such
    as Top picks for you leave out on their own ("automatically filters videos the user watched")."""
    dataset = dataset_of(backend, group_arn, "INTERACTIONS")
    if dataset is None or not user_id:
        return frozenset()
    return interaction_history.recent_items(dataset.table, user_id).get(event_type.lower(), frozenset())


def rank(
    backend,
    served: Served,
    *,
    user_id: str,
    input_list: list[str],
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    subject: str = "",
) -> list[tuple[str, float | None]]:
    """`input_list` ordered for the user, without the items the filter removes; items the model has no data for
    come last, without a score ("the item is appended to the end of the reranked list", GetPersonalizedRanking's
    `inputList`; AWS's recorded answers show no `score` for them)."""
    if served.recipe_type != PERSONALIZED_RANKING:
        raise InvalidInputException(
            f"{subject or 'The solution version ' + served.arn} does not rank items: GetPersonalizedRanking needs "
            "a campaign of a PERSONALIZED_RANKING recipe, such as aws-personalized-ranking."
        )
    if filter_arn:
        removed = filtering.excluded(
            backend,
            filter_arn,
            filter_values,
            group_arn=served.dataset_group_arn,
            candidates=filtering.Candidates(dict.fromkeys(input_list)),
            user_id=user_id,
        )
        input_list = [item for item in input_list if item not in removed]
    ranked = served.trained.rank(user_id, input_list, context or {})
    placed = {item for item, _ in ranked}
    return ranked + [(item, None) for item in dict.fromkeys(input_list) if item not in placed]
