"""Every use case of both domains end to end through the API, on both adapters, on planted data whose right answer
is known (https://docs.aws.amazon.com/personalize/latest/dg/VIDEO_ON_DEMAND-use-cases.html,
https://docs.aws.amazon.com/personalize/latest/dg/ECOMMERCE-use-cases.html)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.builders import domain_group, recommender, tracker
from tests.conftest import error_of, wait_until
from tests.recipes.planted_domains import ecommerce, vod, vod_tastes

USER = "a-user0"


def ids(answer: dict) -> list[str]:
    return [item["itemId"] for item in answer["itemList"]]


def had(frame, user: str, event_type: str) -> set[str]:
    return set(frame.query("USER_ID == @user and EVENT_TYPE == @event_type")["ITEM_ID"])


def test_vod_popular_trending_and_related_videos(aws):
    data = vod()
    group_arn = domain_group(aws, "VIDEO_ON_DEMAND", {"INTERACTIONS": data.interactions, "ITEMS": data.items})
    get = aws.runtime.get_recommendations
    watched = had(data.interactions, USER, "watch")
    unwatched_action = {f"a{k}" for k in range(20)} - watched

    popular = recommender(aws, group_arn, "aws-vod-most-popular")
    assert ids(get(recommenderArn=popular, userId=USER, numResults=2)) == ["blockbuster", "rising"]  # not filtered

    trending = recommender(aws, group_arn, "aws-vod-trending-now")
    assert ids(get(recommenderArn=trending, numResults=1)) == ["rising"]  # no userId needed
    newest = int(data.interactions["TIMESTAMP"].max())
    tracking = tracker(aws, group_arn)["trackingId"]
    for fan in range(5):  # a video nobody knew, watched 50 times since: it trends at once
        events = [{"eventType": "Watch", "itemId": "breaking", "sentAt": newest + 600 * fan + k} for k in range(10)]
        aws.events.put_events(trackingId=tracking, userId=f"fan{fan}", sessionId="s", eventList=events)
    assert ids(get(recommenderArn=trending, numResults=2)) == ["breaking", "rising"]

    because = recommender(aws, group_arn, "aws-vod-because-you-watched-x")
    answer = ids(get(recommenderArn=because, userId=USER, itemId="a3", numResults=10))
    assert not watched & set(answer)  # the videos the user watched are filtered out first
    assert set(answer[: len(unwatched_action)]) == unwatched_action  # then what viewers of a3 watched
    action = aws.personalize.create_filter(
        name="no-action", datasetGroupArn=group_arn, filterExpression="EXCLUDE ItemID WHERE Items.GENRES IN ($G)"
    )["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=action)["filter"])
    answer = ids(
        get(recommenderArn=because, userId=USER, itemId="a3", filterArn=action, filterValues={"G": '"Action"'})
    )
    assert answer and not any(item.startswith("a") for item in answer)  # nor Action (or Action|Drama) ones

    more_like = recommender(aws, group_arn, "aws-vod-more-like-x")
    answer = ids(get(recommenderArn=more_like, userId=USER, itemId="a3", numResults=10))
    assert not watched & set(answer) and unwatched_action <= set(answer[:6])
    with pytest.raises(ClientError) as raised:
        get(recommenderArn=more_like, userId=USER)
    assert error_of(raised) == (
        "InvalidInputException",
        "itemId is required for a recommender of the use case aws-vod-more-like-x.",
    )


def test_vod_top_picks_learn_each_users_genre_and_leave_out_what_they_watched(aws):
    data = vod_tastes()
    group_arn = domain_group(aws, "VIDEO_ON_DEMAND", {"INTERACTIONS": data.interactions, "ITEMS": data.items})
    config = {"itemExplorationConfig": {"explorationWeight": "0"}, "enableMetadataWithRecommendations": True}
    arn = recommender(aws, group_arn, "aws-vod-top-picks", recommenderConfig=config)
    described = aws.personalize.describe_recommender(recommenderArn=arn)["recommender"]
    assert described["recommenderConfig"] == config  # as given: AWS's defaults are not written in
    assert 0 < described["modelMetrics"]["precision_at_10"] <= 1
    for user in ("a-user3", "b-user5"):
        answer = aws.runtime.get_recommendations(
            recommenderArn=arn, userId=user, numResults=25, metadataColumns={"ITEMS": ["GENRES"]}
        )["itemList"]
        assert not had(data.interactions, user, "Watch") & {item["itemId"] for item in answer}  # clicks stay
        genre = "Action" if user.startswith("a") else "Drama"
        assert [item["metadata"]["GENRES"] for item in answer[:3]] == [genre] * 3, answer[:3]
        assert all(0 < item["score"] <= 1 for item in answer)


def test_ecommerce_most_viewed_best_sellers_and_items_bought_or_viewed_together(aws):
    data = ecommerce()
    group_arn = domain_group(aws, "ECOMMERCE", {"INTERACTIONS": data.interactions})
    get = aws.runtime.get_recommendations

    viewed = recommender(aws, group_arn, "aws-ecomm-popular-items-by-views")
    assert ids(get(recommenderArn=viewed, userId=USER, numResults=2)) == ["showcase", "everywhere"]  # not viewers
    sellers = recommender(aws, group_arn, "aws-ecomm-popular-items-by-purchases")
    assert ids(get(recommenderArn=sellers, userId=USER, numResults=1)) == ["bestseller"]

    together = recommender(aws, group_arn, "aws-ecomm-frequently-bought-together")
    assert ids(get(recommenderArn=together, itemId="basket-1", numResults=1)) == ["basket-2"]  # no userId needed

    also_viewed = recommender(aws, group_arn, "aws-ecomm-customers-who-viewed-x-also-viewed")
    answer = ids(get(recommenderArn=also_viewed, userId=USER, itemId="a3", numResults=10))
    bought = had(data.interactions, USER, "Purchase")
    assert not bought & set(answer)  # what the user bought is filtered out first
    assert {f"a{k}" for k in range(20)} - bought <= set(answer[:7])  # then what viewers of a3 viewed
    stranger = ids(get(recommenderArn=also_viewed, userId="stranger", itemId="b3", numResults=5))
    assert all(item.startswith("b") for item in stranger[:3])


def test_ecommerce_recommended_for_you_with_a_promotion_and_columns_left_out(aws):
    data = ecommerce()
    frames = {"INTERACTIONS": data.interactions, "ITEMS": data.items}
    group_arn = domain_group(aws, "ECOMMERCE", frames)
    config = {
        "itemExplorationConfig": {"explorationWeight": "0"},
        "trainingDataConfig": {"excludedDatasetColumns": {"ITEMS": ["PRICE"]}},
    }
    arn = recommender(aws, group_arn, "aws-ecomm-recommended-for-you", recommenderConfig=config)
    bought = had(data.interactions, USER, "Purchase")
    answer = ids(aws.runtime.get_recommendations(recommenderArn=arn, userId=USER, numResults=5))
    assert not bought & set(answer) and all(item.startswith("a") for item in answer[:3])

    home = aws.personalize.create_filter(
        name="home", datasetGroupArn=group_arn, filterExpression="INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($C)"
    )["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=home)["filter"])
    promotion = {"name": "home", "percentPromotedItems": 20, "filterArn": home, "filterValues": {"C": '"HOME"'}}
    promoted = aws.runtime.get_recommendations(recommenderArn=arn, userId=USER, numResults=10, promotions=[promotion])
    chosen = [item for item in promoted["itemList"] if item.get("promotionName") == "home"]
    # two of ten from HOME, and not the HOME items the user bought (basket-1, basket-2, bestseller)
    assert {item["itemId"] for item in chosen} == {"everywhere", "showcase"}
    assert not bought & set(ids(promoted))
