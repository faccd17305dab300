"""Recommenders: create, describe, list, update, stop, start and delete, their lifecycle and their refusals
(https://docs.aws.amazon.com/personalize/latest/dg/API_CreateRecommender.html,
https://docs.aws.amazon.com/personalize/latest/dg/stopping-starting-recommender.html). Most popular trains fastest,
so it stands in for every use case here; what each use case learns is in tests/test_recommenders_api.py."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import domain_group, group, recommender
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until
from tests.recipes.planted_domains import ecommerce, vod

POPULAR = "arn:aws:personalize:::recipe/aws-vod-most-popular"
METRICS = {
    "coverage", "mean_reciprocal_rank_at_25", "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10", "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5", "precision_at_10", "precision_at_25",
}  # fmt: skip


def describe(aws, arn: str) -> dict:
    return aws.personalize.describe_recommender(recommenderArn=arn)["recommender"]


def movies(aws) -> str:
    return domain_group(aws, "VIDEO_ON_DEMAND", {"INTERACTIONS": vod().interactions})


def popular(aws, arn: str, user: str = "a-user0") -> list[str]:
    answer = aws.runtime.get_recommendations(recommenderArn=arn, userId=user, numResults=3)["itemList"]
    return [item["itemId"] for item in answer]


def refusal(call, **request) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**request)
    return error_of(raised)


def test_a_recommender_is_created_trained_stopped_and_started(aws, visible_pace):
    configure(pace=0)
    group_arn = movies(aws)
    configure(pace=visible_pace)
    arn = aws.personalize.create_recommender(name="popular", datasetGroupArn=group_arn, recipeArn=POPULAR)[
        "recommenderArn"
    ]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:recommender/popular"
    creating = describe(aws, arn)
    assert creating["status"] == "CREATE PENDING" and "modelMetrics" not in creating
    assert refusal(aws.personalize.delete_recommender, recommenderArn=arn) == (
        "ResourceInUseException",
        f"{arn} cannot be deleted while its status is CREATE PENDING.",
    )
    wait_until(lambda: describe(aws, arn), "CREATE IN_PROGRESS")
    active = wait_until(lambda: describe(aws, arn))
    assert set(active["modelMetrics"]) == METRICS and active["recommenderConfig"] == {}
    assert active["recipeArn"] == POPULAR and active["datasetGroupArn"] == group_arn
    assert popular(aws, arn)[0] == "blockbuster"

    assert aws.personalize.stop_recommender(recommenderArn=arn)["recommenderArn"] == arn
    assert describe(aws, arn)["status"] == "STOP PENDING"
    assert refusal(aws.personalize.start_recommender, recommenderArn=arn) == (
        "ResourceInUseException",
        f"The recommender {arn} is STOP PENDING; only an INACTIVE recommender can be started.",
    )
    wait_until(lambda: describe(aws, arn), "STOP IN_PROGRESS")
    wait_until(lambda: describe(aws, arn), "INACTIVE")
    assert refusal(aws.runtime.get_recommendations, recommenderArn=arn, userId="a-user0") == (
        "InvalidInputException",
        f"The recommender {arn} is INACTIVE; it serves only when ACTIVE.",
    )
    assert refusal(aws.personalize.stop_recommender, recommenderArn=arn)[0] == "ResourceInUseException"

    aws.personalize.start_recommender(recommenderArn=arn)
    assert describe(aws, arn)["status"] == "START PENDING"
    wait_until(lambda: describe(aws, arn), "START IN_PROGRESS")
    wait_until(lambda: describe(aws, arn))
    assert popular(aws, arn)[0] == "blockbuster"  # the same model: starting trains nothing


def test_update_keeps_serving_the_old_configuration_until_it_is_active(aws, visible_pace):
    configure(pace=0)
    arn = recommender(aws, movies(aws), "aws-vod-most-popular")
    configure(pace=visible_pace)
    config = {"minRecommendationRequestsPerSecond": 2, "enableMetadataWithRecommendations": True}
    aws.personalize.update_recommender(recommenderArn=arn, recommenderConfig=config)
    updating = describe(aws, arn)
    assert updating["recommenderConfig"] == {} and updating["latestRecommenderUpdate"]["status"] == "CREATE PENDING"
    assert refusal(aws.personalize.update_recommender, recommenderArn=arn, recommenderConfig=config) == (
        "ResourceInUseException",
        f"The recommender {arn} has an update in progress.",
    )
    wait_until(lambda: describe(aws, arn)["latestRecommenderUpdate"])
    updated = describe(aws, arn)
    assert updated["recommenderConfig"] == config and updated["latestRecommenderUpdate"]["recommenderConfig"] == config
    assert updated["status"] == "ACTIVE" and set(updated["modelMetrics"]) == METRICS


def test_a_change_of_training_columns_retrains_and_bad_configurations_are_refused(aws):
    arn = recommender(aws, movies(aws), "aws-vod-most-popular")
    columns = {"trainingDataConfig": {"excludedDatasetColumns": {"ITEMS": ["GENRES"]}}}
    aws.personalize.update_recommender(recommenderArn=arn, recommenderConfig=columns)
    assert wait_until(lambda: describe(aws, arn)["latestRecommenderUpdate"])["recommenderConfig"] == columns
    for config, message in (
        (
            {"trainingDataConfig": {"excludedDatasetColumns": {"INTERACTIONS": ["event_type"]}}},
            "trainingDataConfig.excludedDatasetColumns cannot exclude EVENT_TYPE: recommenders always train with "
            "EVENT_TYPE, ITEM_ID, TIMESTAMP, USER_ID.",
        ),
        (
            {"trainingDataConfig": {"excludedDatasetColumns": {"ACTIONS": ["VALUE"]}}},
            "trainingDataConfig.excludedDatasetColumns names the dataset ACTIONS; a recommender trains on "
            "INTERACTIONS, ITEMS, USERS.",
        ),
        (
            {"itemExplorationConfig": {"explorationWeight": "0.5"}},
            "itemExplorationConfig applies only to use cases that personalize for a user (Top picks for you, "
            "Recommended for you), not to aws-vod-most-popular.",
        ),
    ):
        assert refusal(aws.personalize.update_recommender, recommenderArn=arn, recommenderConfig=config) == (
            "InvalidInputException",
            message,
        )


def test_a_recommender_needs_a_use_case_of_its_domain_group(aws):
    create = aws.personalize.create_recommender
    custom, movies_arn = group(aws, "custom"), domain_group(aws, "VIDEO_ON_DEMAND", {}, name="movies")
    assert refusal(create, name="r", datasetGroupArn=custom, recipeArn=POPULAR) == (
        "InvalidInputException",
        f"The dataset group {custom} is a Custom dataset group: use a Domain dataset group to create a recommender "
        "(custom recipes are trained as solutions and deployed with campaigns).",
    )
    assert refusal(
        create, name="r", datasetGroupArn=movies_arn, recipeArn="arn:aws:personalize:::recipe/aws-user-personalization"
    ) == (
        "InvalidInputException",
        "aws-user-personalization is a custom recipe: only Domain dataset group use cases can be used to create a "
        "recommender.",
    )
    shop = "arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views"
    assert refusal(create, name="r", datasetGroupArn=movies_arn, recipeArn=shop) == (
        "InvalidInputException",
        f"aws-ecomm-popular-items-by-views is a use case of the ECOMMERCE domain; the dataset group {movies_arn} is "
        "of the VIDEO_ON_DEMAND domain.",
    )
    assert refusal(aws.personalize.create_solution, name="s", datasetGroupArn=movies_arn, recipeArn=POPULAR) == (
        "InvalidInputException",
        "aws-vod-most-popular is a use case of Domain dataset groups: create a recommender with it, not a solution.",
    )
    missing = "arn:aws:personalize:::recipe/aws-vod-least-popular"
    assert refusal(create, name="r", datasetGroupArn=movies_arn, recipeArn=missing) == (
        "ResourceNotFoundException",
        f"Resource Arn {missing} does not exist.",
    )


def test_a_dataset_group_holds_at_most_five_recommenders(aws):
    group_arn = domain_group(aws, "VIDEO_ON_DEMAND", {}, name="movies")
    for n in range(5):  # no data: each fails its training, and still counts
        aws.personalize.create_recommender(name=f"r{n}", datasetGroupArn=group_arn, recipeArn=POPULAR)
    assert refusal(aws.personalize.create_recommender, name="r5", datasetGroupArn=group_arn, recipeArn=POPULAR) == (
        "LimitExceededException",
        f"The dataset group {group_arn} already has 5 recommenders, the most it can have.",
    )


@pytest.mark.parametrize(
    ("domain", "frames", "use_case", "reason"),
    [
        pytest.param(
            "VIDEO_ON_DEMAND", {}, "aws-vod-top-picks",
            "The dataset group {group} has no Interactions dataset; create one and import data.", id="no-interactions",
        ),
        pytest.param(
            "VIDEO_ON_DEMAND", {"INTERACTIONS": vod().interactions[:900]}, "aws-vod-trending-now",
            "Create failed. Dataset has fewer than 1000 interactions. It has 900 interactions and 53 users with at "
            "least 2 interactions each.", id="too-few-interactions",
        ),
        pytest.param(
            "VIDEO_ON_DEMAND", {"INTERACTIONS": vod().interactions}, "aws-vod-more-like-x",
            "Create failed. The use case aws-vod-more-like-x trains on an Items dataset, and the dataset group {group} "
            "has none.", id="no-items",
        ),
        pytest.param(
            "ECOMMERCE", {"INTERACTIONS": ecommerce().interactions.query("EVENT_TYPE == 'View'")},
            "aws-ecomm-popular-items-by-purchases",
            "Create failed. The use case aws-ecomm-popular-items-by-purchases needs at least 1000 Purchase events "
            "(it has 0).", id="no-purchases",
        ),
    ],
)  # fmt: skip
def test_data_that_does_not_meet_a_use_case_fails_the_recommender(aws, domain, frames, use_case, reason):
    group_arn = domain_group(aws, domain, frames)
    arn = aws.personalize.create_recommender(
        name="r", datasetGroupArn=group_arn, recipeArn=f"arn:aws:personalize:::recipe/{use_case}"
    )["recommenderArn"]
    failed = wait_until(lambda: describe(aws, arn), "CREATE FAILED")
    assert failed["failureReason"] == reason.format(group=group_arn)
    assert "modelMetrics" not in failed


def test_recommenders_are_listed_by_group_and_deleted_before_their_group(aws):
    group_arn = movies(aws)
    arns = [recommender(aws, group_arn, "aws-vod-most-popular", name=f"popular-{n}") for n in range(3)]
    other = domain_group(aws, "VIDEO_ON_DEMAND", {}, name="empty")
    pages = aws.personalize.get_paginator("list_recommenders").paginate(datasetGroupArn=group_arn, maxResults=2)
    listed = [summary for page in pages for summary in page["recommenders"]]
    assert [s["recommenderArn"] for s in listed] == arns[::-1]  # newest first
    assert set(listed[0]) == {
        "name", "recommenderArn", "datasetGroupArn", "recipeArn", "recommenderConfig", "status", "creationDateTime",
        "lastUpdatedDateTime",
    }  # fmt: skip
    assert aws.personalize.list_recommenders(datasetGroupArn=other)["recommenders"] == []
    assert len(aws.personalize.list_recommenders()["recommenders"]) == 3

    code, message = refusal(aws.personalize.delete_dataset_group, datasetGroupArn=group_arn)
    assert code == "ResourceInUseException" and arns[0] in message
    for arn in arns:
        aws.personalize.delete_recommender(recommenderArn=arn)
    wait_gone(lambda: bool(aws.personalize.list_recommenders(datasetGroupArn=group_arn)["recommenders"]))
    assert refusal(aws.personalize.describe_recommender, recommenderArn=arns[0]) == (
        "ResourceNotFoundException",
        f"Resource Arn {arns[0]} does not exist.",
    )


def test_get_recommendations_asks_for_what_the_use_case_requires(aws):
    arn = recommender(aws, movies(aws), "aws-vod-most-popular")
    assert refusal(aws.runtime.get_recommendations, recommenderArn=arn) == (
        "InvalidInputException",
        "userId is required for a recommender of the use case aws-vod-most-popular.",
    )
    missing = arn.replace("most-popular", "nothing")
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(recommenderArn=missing, userId="a-user0")
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {missing} does not exist.")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_tags_on_a_recommender(aws):
    group_arn = domain_group(aws, "VIDEO_ON_DEMAND", {}, name="movies")
    arn = aws.personalize.create_recommender(
        name="tagged", datasetGroupArn=group_arn, recipeArn=POPULAR, tags=[{"tagKey": "team", "tagValue": "tv"}]
    )["recommenderArn"]
    assert aws.personalize.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "team", "tagValue": "tv"}]
