"""Personalized-Ranking, User-Personalization-v2 and HRNN-Coldstart through the API, on both adapters."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.builders import bucket_and_role, campaign, dataset, group, import_frame, solution, version
from tests.conftest import error_of, wait_until
from tests.recipes.planted import INTERACTIONS, ITEMS, USERS, avro_fields, tastes, with_new_items
from tests.test_user_personalization_api import planted_group

RECIPE = "arn:aws:personalize:::recipe/{}"
SMALL = {"algorithmHyperParameters": {"hidden_dimension": "32"}}
EXPLORING = {"itemExplorationConfig": {"explorationWeight": "0.5"}}


def exploration_refused(aws, version_arn, recipe):
    with pytest.raises(ClientError) as raised:
        campaign(aws, version_arn, name="explorer", campaignConfig=EXPLORING)
    assert error_of(raised) == (
        "InvalidInputException",
        f"itemExplorationConfig applies only to the User-Personalization recipe, not {recipe}.",
    )


def test_personalized_ranking_reranks_the_input_list_for_the_user(aws):
    group_arn, _ = planted_group(aws)
    recipe = "aws-personalized-ranking"
    version_arn = version(aws, solution(aws, group_arn, RECIPE.format(recipe), solutionConfig=SMALL))
    exploration_refused(aws, version_arn, recipe)
    campaign_arn = campaign(aws, version_arn, campaignConfig={"enableMetadataWithRecommendations": True})

    listed = ["b0", "a0", "never-seen", "b1", "a1", "b2", "a2", "a0"]
    ranked = aws.runtime.get_personalized_ranking(
        campaignArn=campaign_arn, userId="a-user1", inputList=listed, metadataColumns={"ITEMS": ["GENRE"]}
    )
    items = [entry["itemId"] for entry in ranked["personalizedRanking"]]
    genres = {entry["itemId"]: entry["metadata"] for entry in ranked["personalizedRanking"]}
    assert genres == {item: {"GENRE": item[0].upper()} for item in items if item != "never-seen"} | {"never-seen": {}}
    assert sorted(items) == sorted(set(listed))  # each item of the list once
    assert set(items[:3]) == {"a0", "a1", "a2"} and items[-1] == "never-seen"
    # An item without data comes last, without a score; the others' scores sum to 1 (the recipe page's words).
    assert "score" not in ranked["personalizedRanking"][-1]
    scores = [entry["score"] for entry in ranked["personalizedRanking"][:-1]]
    assert sum(scores) == pytest.approx(1.0, abs=1e-6) and scores == sorted(scores, reverse=True)

    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="a-user1")
    assert error_of(raised) == (
        "InvalidInputException",
        "This campaign ranks items: call GetPersonalizedRanking with an inputList.",
    )


def test_user_personalization_v2_serves_tastes_without_exploration_config(aws):
    group_arn, _ = planted_group(aws)
    recipe = "aws-user-personalization-v2"
    with pytest.raises(ClientError) as raised:
        solution(aws, group_arn, RECIPE.format(recipe), name="wide", solutionConfig=SMALL)
    assert error_of(raised) == (
        "InvalidInputException",
        f"Provide a hyperparameter that is used in the algorithm: arn:aws:personalize:::algorithm/{recipe}. "
        f"Unknown hyperparameters for {recipe}: hidden_dimension; it takes apply_recency_bias.",
    )
    solution_arn = solution(aws, group_arn, RECIPE.format(recipe))
    version_arn = version(aws, solution_arn)
    described = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    assert described["solutionConfig"]["algorithmHyperParameters"] == {"apply_recency_bias": "true"}
    exploration_refused(aws, version_arn, recipe)
    campaign_arn = campaign(aws, version_arn)
    assert (
        "itemExplorationConfig"
        not in aws.personalize.describe_campaign(campaignArn=campaign_arn)["campaign"]["campaignConfig"]
    )
    listed = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="b-user2", numResults=10)["itemList"]
    assert sum(entry["itemId"].startswith("b") for entry in listed) >= 8
    assert all("reason" not in entry for entry in listed)
    other_taste = aws.personalize.create_filter(
        name="a-items", datasetGroupArn=group_arn, filterExpression='INCLUDE ItemID WHERE Items.GENRE IN ("A")'
    )["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=other_taste)["filter"])
    promotion = {"name": "discover", "percentPromotedItems": 20, "filterArn": other_taste}
    listed = aws.runtime.get_recommendations(
        campaignArn=campaign_arn, userId="b-user2", numResults=10, promotions=[promotion]
    )["itemList"]
    promoted = [entry for entry in listed if entry.get("promotionName") == "discover"]
    assert len(promoted) == 2 and all(entry["itemId"].startswith("a") for entry in promoted)
    assert all(entry.get("reason") == (["Promoted item"] if entry in promoted else None) for entry in listed)

    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution_version(solutionArn=solution_arn, trainingMode="UPDATE")
    assert error_of(raised)[0] == "InvalidInputException"


def test_hrnn_coldstart_recommends_only_cold_items_and_updates(aws, legacy_recipes):
    data = with_new_items(tastes(users_per_group=30))
    group_arn, role = group(aws), bucket_and_role(aws)
    for kind, schema, frame in (
        ("INTERACTIONS", INTERACTIONS, data.interactions), ("ITEMS", ITEMS, data.items), ("USERS", USERS, data.users)
    ):  # fmt: skip
        import_frame(aws, dataset(aws, group_arn, kind, avro_fields(schema)), frame, role, kind.lower())
    recipe = "aws-hrnn-coldstart"
    config = SMALL | {"featureTransformationParameters": {"cold_start_max_interactions": "5"}}
    solution_arn = solution(aws, group_arn, RECIPE.format(recipe), solutionConfig=config)
    version_arn = version(aws, solution_arn)
    used = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"][
        "solutionConfig"
    ]["algorithmHyperParameters"]
    assert used["cold_start_max_interactions"] == "5" and used["cold_start_relative_from"] == "latestItem"
    exploration_refused(aws, version_arn, recipe)

    campaign_arn = campaign(aws, version_arn)
    listed = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="a-user1", numResults=10)["itemList"]
    assert all("-new" in entry["itemId"] for entry in listed)
    assert sum(entry["itemId"].startswith("a") for entry in listed) >= 7
    assert version(aws, solution_arn, trainingMode="UPDATE")  # the one legacy recipe AWS lets update
