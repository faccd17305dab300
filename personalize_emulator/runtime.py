"""personalize-runtime: recommendations and rankings answered by the campaign's trained model."""

from __future__ import annotations

import uuid
import zlib

import numpy as np

from . import serving, settings
from .control.campaigns import Campaign
from .errors import InvalidInputException, NotImplementedOperation, ResourceNotFoundException
from .lifecycle import ACTIVE
from .operations import operation
from .protocol.service_models import RUNTIME

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50


def _serving_campaign(backend, campaign_arn: str | None, recommender_arn: str | None = None) -> Campaign:
    if recommender_arn:
        raise ResourceNotFoundException.for_arn(recommender_arn)
    if not campaign_arn:
        raise InvalidInputException("Either campaignArn or recommenderArn is required.")
    campaign = backend.get(campaign_arn, Campaign)
    if campaign.status != ACTIVE:
        raise InvalidInputException(f"The campaign {campaign_arn} is {campaign.status}; it serves only when ACTIVE.")
    return campaign


def _refuse_unapplied(operation_name: str, filter_arn=None, promotions=None, metadata_columns=None) -> None:
    """Filters, promotions and metadata are not applied yet: say so rather than return unfiltered lists."""
    for member, value in (("filterArn", filter_arn), ("promotions", promotions), ("metadataColumns", metadata_columns)):
        if value:
            raise NotImplementedOperation(RUNTIME, f"{operation_name} with {member}")


def exploration_rng(campaign: Campaign, user_id: str | None) -> np.random.Generator:
    """The random stream of one request: the emulator's seed, the campaign, the user, and the campaign's count of
    requests, so that a fixed seed gives the same lists in the same order of calls."""
    campaign.requests += 1
    user = zlib.crc32((user_id or "").encode())
    return np.random.default_rng([settings.seed(), zlib.crc32(campaign.arn.encode()), user, campaign.requests])


def _answer(backend, key: str, scored: list[tuple[str, float | None]]) -> dict:
    recommendation_id = f"RID-{uuid.uuid4()}"
    backend.remember_recommendation(recommendation_id, [item for item, _ in scored])
    return {key: [{"itemId": item, "score": score} for item, score in scored], "recommendationId": recommendation_id}


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
    campaign = _serving_campaign(backend, campaign_arn, recommender_arn)
    count = DEFAULT_RESULTS if num_results is None else num_results
    limit = MAX_RESULTS_WITH_METADATA if metadata_columns else MAX_RESULTS
    if count > limit:
        raise InvalidInputException(f"numResults must be at most {limit}; got {count}.")
    _refuse_unapplied("GetRecommendations", filter_arn, promotions, metadata_columns)
    exploration = campaign.campaign_config.get("itemExplorationConfig")
    scored = serving.recommend(
        backend,
        campaign.version,
        user_id=user_id,
        item_id=item_id,
        num_results=count,
        context=context,
        filter_arn=filter_arn,
        filter_values=filter_values,
        exploration=exploration,
        rng=exploration_rng(campaign, user_id) if exploration else None,
    )
    return _answer(backend, "itemList", scored)


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
    _refuse_unapplied("GetPersonalizedRanking", filter_arn, None, metadata_columns)
    ranked = serving.rank(
        backend,
        campaign.version,
        user_id=user_id,
        input_list=input_list,
        context=context,
        filter_arn=filter_arn,
        filter_values=filter_values,
        subject=f"The campaign {campaign.arn}",
    )
    return _answer(backend, "personalizedRanking", ranked)
