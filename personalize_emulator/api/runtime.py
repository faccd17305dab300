"""personalize-runtime: recommendations, rankings and actions answered by a campaign's or a recommender's trained
model."""

from __future__ import annotations

import uuid
import zlib
from typing import TypeVar

import numpy as np

from personalize_emulator import settings
from personalize_emulator.api.control.campaigns import Campaign
from personalize_emulator.api.control.recommenders import Recommender
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.protocol.limits import (
    DEFAULT_ACTION_RESULTS,
    DEFAULT_RESULTS,
    MAX_ACTION_RESULTS,
    MAX_RESULTS,
    MAX_RESULTS_WITH_METADATA,
)
from personalize_emulator.protocol.registry import operation
from personalize_emulator.recipes.base import PERSONALIZED_ACTIONS
from personalize_emulator.resources.lifecycle import ACTIVE
from personalize_emulator.serving import answers, item_metadata
from personalize_emulator.serving.actions import recommend_actions
from personalize_emulator.serving.promotions import recommend_with_promotion

Deployed = Campaign | Recommender
D = TypeVar("D", Campaign, Recommender)

# AWS says why an item is listed only for this recipe; of its reasons, "Promoted item" is the one that applies
# here ("Exploration" needs exploration, which v2 does without; "Popular item" fills lists this model fills itself).
RECIPES_WITH_REASONS = {"aws-user-personalization-v2"}


def _serving_campaign(backend, campaign_arn: str) -> Campaign:
    return _serving(backend.get(campaign_arn, Campaign))


def _serving(deployed: D) -> D:
    if deployed.status != ACTIVE:
        raise InvalidInputException(
            f"The {deployed.kind} {deployed.arn} is {deployed.status}; it serves only when ACTIVE."
        )
    return deployed


def exploration_rng(deployed: Deployed, user_id: str | None) -> np.random.Generator:
    """The random stream of one request: the emulator's seed, the campaign (or recommender), the user, and its
    count of requests, so that a fixed seed gives the same lists in the same order of calls."""
    deployed.requests += 1
    user = zlib.crc32((user_id or "").encode())
    return np.random.default_rng([settings.seed(), zlib.crc32(deployed.arn.encode()), user, deployed.requests])


def _answer(backend, deployed: Deployed, key: str, scored: list[tuple], columns: dict[str, str] | None = None) -> dict:
    """The answer's items from (item id, score[, promotion name]) entries, with their metadata when asked for."""
    recommendation_id = f"RID-{uuid.uuid4()}"
    item_ids = [entry[0] for entry in scored]
    backend.remember_recommendation(recommendation_id, item_ids, deployed.arn)
    items = [{"itemId": e[0], "score": e[1], "promotionName": e[2] if len(e) > 2 else None} for e in scored]
    if isinstance(deployed, Campaign) and deployed.version.solution.recipe_name in RECIPES_WITH_REASONS:
        for item in items:
            item["reason"] = ["Promoted item"] if item["promotionName"] else None
    if columns is not None:
        group = deployed.served.dataset_group_arn
        for item, metadata in zip(items, item_metadata.metadata_of(backend, group, item_ids, columns), strict=True):
            item["metadata"] = metadata
    return {key: items, "recommendationId": recommendation_id}


@operation("GetRecommendations")
def get_recommendations(
    backend,
    campaign_arn=None,
    item_id=None,
    user_id=None,
    num_results=None,
    context=None,
    filter_arn=None,
    filter_values=None,
    recommender_arn=None,
    promotions=None,
    metadata_columns=None,
):
    """From a campaign, or from a recommender, which asks for the members its use case requires and first leaves
    out what its use case filters out on its own (the request's filter applies to what is left)."""
    deployed: Deployed
    excluded: frozenset[str] = frozenset()
    if recommender_arn:
        recommender = _serving(backend.get(recommender_arn, Recommender))
        use_case = recommender.use_case
        use_case.check_request(user_id, item_id)
        if use_case.filters_out:
            excluded = answers.chosen_before(backend, recommender.dataset_group_arn, user_id, use_case.filters_out)
        deployed = recommender
    elif campaign_arn:
        deployed = _serving_campaign(backend, campaign_arn)
    else:
        raise InvalidInputException("Either campaignArn or recommenderArn is required.")
    count = DEFAULT_RESULTS if num_results is None else num_results
    limit = MAX_RESULTS_WITH_METADATA if metadata_columns else MAX_RESULTS
    if count > limit:
        raise InvalidInputException(f"numResults must be at most {limit}; got {count}.")
    columns = item_metadata.requested_columns(backend, deployed, metadata_columns)
    exploration = deployed.exploration
    rng = exploration_rng(deployed, user_id) if exploration and not promotions else None
    request = {
        "user_id": user_id,
        "item_id": item_id,
        "context": context,
        "filter_arn": filter_arn,
        "filter_values": filter_values,
        "exploration": exploration,
        "excluded": excluded,
    }
    scored: list[tuple]
    if promotions:
        scored = recommend_with_promotion(
            backend,
            deployed.served,
            promotions[0],
            num_results=count,
            rng=exploration_rng(deployed, user_id),
            **request,
        )
    else:
        scored = answers.recommend(backend, deployed.served, num_results=count, rng=rng, **request)
    return _answer(backend, deployed, "itemList", scored, columns)


@operation("GetPersonalizedRanking")
def get_personalized_ranking(
    backend,
    campaign_arn,
    input_list,
    user_id,
    context=None,
    filter_arn=None,
    filter_values=None,
    metadata_columns=None,
):
    campaign = _serving_campaign(backend, campaign_arn)
    limit = MAX_RESULTS_WITH_METADATA if metadata_columns else MAX_RESULTS
    if len(input_list) > limit:
        raise InvalidInputException(f"inputList can hold at most {limit} items; got {len(input_list)}.")
    columns = item_metadata.requested_columns(backend, campaign, metadata_columns)
    ranked = answers.rank(
        backend,
        campaign.version,
        user_id=user_id,
        input_list=input_list,
        context=context,
        filter_arn=filter_arn,
        filter_values=filter_values,
        subject=f"The campaign {campaign.arn}",
    )
    return _answer(backend, campaign, "personalizedRanking", ranked, columns)


@operation("GetActionRecommendations")
def get_action_recommendations(
    backend, campaign_arn=None, user_id=None, num_results=None, filter_arn=None, filter_values=None
):
    if not campaign_arn:
        raise InvalidInputException("campaignArn is required: the campaign of a Next-Best-Action solution version.")
    campaign = _serving_campaign(backend, campaign_arn)
    if campaign.version.recipe_type != PERSONALIZED_ACTIONS:
        raise InvalidInputException(
            f"The campaign {campaign.arn} does not recommend actions: GetActionRecommendations needs a campaign of "
            "the aws-next-best-action recipe."
        )
    if not user_id:
        raise InvalidInputException("userId is required to get action recommendations.")
    count = DEFAULT_ACTION_RESULTS if num_results is None else num_results
    if count > MAX_ACTION_RESULTS:
        raise InvalidInputException(f"numResults must be at most {MAX_ACTION_RESULTS}; got {count}.")
    scored = recommend_actions(backend, campaign.version, user_id, count, filter_arn, filter_values)
    return {
        "actionList": [{"actionId": action, "score": score} for action, score in scored],
        "recommendationId": f"RID-{uuid.uuid4()}",
    }
