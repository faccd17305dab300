"""aws-sims and aws-similar-items end to end through the API, on both adapters, with planted clusters."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.builders import campaign, clusters_group, group, solution, version
from tests.recipes.planted import START

SIMS = "arn:aws:personalize:::recipe/aws-sims"
SIMILAR_ITEMS = "arn:aws:personalize:::recipe/aws-similar-items"
METRICS = {
    "coverage", "mean_reciprocal_rank_at_25", "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10", "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5", "precision_at_10", "precision_at_25",
}  # fmt: skip


def related(aws, campaign_arn: str, item: str, count: int = 10) -> list[dict]:
    return aws.runtime.get_recommendations(campaignArn=campaign_arn, itemId=item, numResults=count)["itemList"]


def ids(answer: list[dict]) -> list[str]:
    return [item["itemId"] for item in answer]


def test_sims_serves_the_items_chosen_by_the_same_users_without_a_user_id(aws):
    version_arn = version(aws, solution(aws, clusters_group(aws), SIMS))
    described = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    assert described["solutionConfig"]["algorithmHyperParameters"]["min_cointeraction_count"] == "3"
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]
    assert set(metrics) == METRICS
    # each held-out user's one truth item is related to the item they chose before it: always in the top 9
    assert metrics["precision_at_10"] == pytest.approx(0.1)
    assert metrics["mean_reciprocal_rank_at_25"] >= 1 / 9
    campaign_arn = campaign(aws, version_arn)

    answer = related(aws, campaign_arn, "a3")
    assert all(set(item) == {"itemId"} for item in answer)  # SIMS shows no scores
    assert len(answer) == 10 and sorted(ids(answer)[:9]) == [f"a{k}" for k in range(10) if k != 3]
    assert ids(answer)[9].startswith("b")  # a popular item fills the list once the neighbours run out
    unknown = ids(related(aws, campaign_arn, "never-seen", 5))
    assert len(unknown) == 5 and "never-seen" not in unknown
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="a-user1")
    assert raised.value.response["Error"]["Code"] == "InvalidInputException"


def test_similar_items_gives_an_item_nobody_chose_neighbours_through_its_metadata(aws):
    new = [{"ITEM_ID": "new-b", "GENRE": "B", "CREATION_TIMESTAMP": START}]
    version_arn = version(aws, solution(aws, clusters_group(aws, new), SIMILAR_ITEMS))
    assert set(aws.personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]) == METRICS
    campaign_arn = campaign(aws, version_arn)

    assert sorted(ids(related(aws, campaign_arn, "new-b"))) == sorted(f"b{k}" for k in range(10))
    assert all(item.startswith("a") for item in ids(related(aws, campaign_arn, "a0", 9)))


def test_related_items_hyperparameters_are_checked_at_create_solution(aws):
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(
            name="bad", datasetGroupArn=group(aws), recipeArn=SIMILAR_ITEMS,
            solutionConfig={"algorithmHyperParameters": {"item_id_hidden_dim": "500"}},
        )  # fmt: skip
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidInputException"
    assert error["Message"] == "The hyperparameter item_id_hidden_dim must be between 30 and 200; got 500."
    recipe = aws.personalize.describe_recipe(recipeArn=SIMS)["recipe"]
    assert recipe["recipeType"] == "RELATED_ITEMS"
    assert recipe["featureTransformationArn"] == "arn:aws:personalize:::feature-transformation/sims"
