"""Item metadata and promotions in GetRecommendations answers, on both adapters, on a planted catalogue."""

from __future__ import annotations

import math

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_of
from tests.test_filters_applied import make_filter, shop

WITH_METADATA = {"campaignConfig": {"enableMetadataWithRecommendations": True}}


@pytest.fixture
def live(aws):
    return shop(aws, **WITH_METADATA)


def answer(aws, campaign_arn: str, count: int = 10, user: str = "user-59", **kwargs) -> list[dict]:
    return aws.runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=count, **kwargs)[
        "itemList"
    ]


def test_each_item_carries_the_columns_asked_for_as_strings(aws, live):
    columns = {"ITEMS": ["GENRES", "creation_timestamp"]}
    items = answer(aws, live.campaign, 5, metadataColumns=columns)
    assert [item["itemId"] for item in items[:4]] == ["first", "second", "third", "fourth"]
    assert items[1]["metadata"] == {"GENRES": "Drama|Comedy", "creation_timestamp": "1650000000"}
    assert items[4]["metadata"] == {}  # an item chosen once, without an Items record
    config = aws.personalize.describe_campaign(campaignArn=live.campaign)["campaign"]["campaignConfig"]
    assert config["enableMetadataWithRecommendations"] is True


UNKNOWN = "metadataColumns names PRICE, which is not a column of Items (it has CREATION_TIMESTAMP, GENRES, ITEM_ID)."
NOT_ITEMS = "metadataColumns takes columns of the Items dataset under the key ITEMS; got USERS."


@pytest.mark.parametrize(
    "columns, message",
    [
        ({"ITEMS": ["PRICE"]}, UNKNOWN),
        ({"USERS": ["NATIONALITY"]}, NOT_ITEMS),
        ({"ITEMS": ["GENRES"] * 11}, "metadataColumns can name at most 10 columns; got 11."),
    ],
)
def test_metadata_columns_that_cannot_be_answered_are_refused(aws, live, columns, message):
    with pytest.raises(ClientError) as raised:
        answer(aws, live.campaign, metadataColumns=columns)
    assert error_of(raised) == ("InvalidInputException", message)


def test_metadata_needs_the_campaign_to_enable_it(aws):
    built = shop(aws)
    with pytest.raises(ClientError) as raised:
        answer(aws, built.campaign, metadataColumns={"ITEMS": ["GENRES"]})
    assert error_of(raised) == (
        "InvalidInputException",
        f"The campaign {built.campaign} does not return metadata: create or update it with "
        "campaignConfig.enableMetadataWithRecommendations set to true to use metadataColumns.",
    )


def test_more_than_50_results_with_metadata_are_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        answer(aws, live.campaign, 51, metadataColumns={"ITEMS": ["GENRES"]})
    assert error_of(raised) == ("InvalidInputException", "numResults must be at most 50; got 51.")


def promoted(items: list[dict]) -> list[str]:
    return [item["itemId"] for item in items if item.get("promotionName")]


def test_a_share_of_the_list_comes_from_the_promotion_filter_in_its_own_order(aws, live):
    drama = make_filter(aws, live.group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Drama")')
    promotion = {"name": "in-house", "percentPromotedItems": 20, "filterArn": drama}
    items = answer(aws, live.campaign, 10, promotions=[promotion])
    assert len(items) == 10 and len({item["itemId"] for item in items}) == 10
    assert promoted(items) == ["second", "third"]  # the two best Drama items, best first
    assert {item["promotionName"] for item in items if "promotionName" in item} == {"in-house"}
    rest = [item["itemId"] for item in items if "promotionName" not in item]
    assert rest[:2] == ["first", "fourth"]  # the others keep the campaign's order


def test_promoted_items_take_random_places_that_vary_between_requests(aws, live):
    drama = make_filter(aws, live.group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Drama")')
    promotion = {"name": "in-house", "percentPromotedItems": 20, "filterArn": drama}
    places = set()
    for _ in range(8):
        items = answer(aws, live.campaign, 10, promotions=[promotion])
        places.add(tuple(k for k, item in enumerate(items) if "promotionName" in item))
    assert len(places) > 1


@pytest.mark.parametrize("count, percent", [(25, 10), (10, 1), (7, 30)])
def test_the_share_is_rounded_up(aws, live, count, percent):
    everything = make_filter(aws, live.group, 'EXCLUDE ItemID WHERE Items.ITEM_ID IN ("nothing")')
    promotion = {"name": "any", "percentPromotedItems": percent, "filterArn": everything}
    items = answer(aws, live.campaign, count, promotions=[promotion])
    assert len(items) == count and len(promoted(items)) == math.ceil(count * percent / 100)


def test_too_few_promotable_items_leave_the_rest_to_the_campaign(aws, live):
    horror = make_filter(aws, live.group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Horror")')
    items = answer(aws, live.campaign, 10, promotions=[{"name": "p", "percentPromotedItems": 50, "filterArn": horror}])
    assert len(items) == 10 and promoted(items) == ["fourth"]


def test_the_request_filter_applies_to_the_others_and_the_promotion_filter_to_promoted_items(aws, live):
    no_drama = make_filter(aws, live.group, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Drama")', name="no-drama")
    drama = make_filter(aws, live.group, "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)")
    promotion = {"name": "p", "percentPromotedItems": 10, "filterArn": drama, "filterValues": {"GENRE": '"Drama"'}}
    items = answer(aws, live.campaign, 10, filterArn=no_drama, promotions=[promotion])
    assert promoted(items) == ["second"]
    assert not {"second", "third"} & {item["itemId"] for item in items if "promotionName" not in item}


def test_promotions_and_metadata_together(aws, live):
    horror = make_filter(aws, live.group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Horror")')
    items = answer(
        aws,
        live.campaign,
        5,
        promotions=[{"name": "scary", "percentPromotedItems": 20, "filterArn": horror}],
        metadataColumns={"ITEMS": ["GENRES"]},
    )
    assert [item["metadata"] for item in items if item.get("promotionName") == "scary"] == [{"GENRES": "Horror"}]


def test_a_promotion_without_a_filter_is_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        answer(aws, live.campaign, promotions=[{"name": "p", "percentPromotedItems": 10}])
    assert error_of(raised) == ("InvalidInputException", "A promotion needs filterArn.")
