"""aws-user-personalization end to end through the API, on both adapters, with planted tastes."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.builders import (
    BUCKET,
    POPULARITY,
    bucket_and_role,
    campaign,
    dataset,
    group,
    import_frame,
    solution,
    tracker,
    upload,
    version,
)
from tests.conftest import wait_until
from tests.recipes.planted import INTERACTIONS, ITEMS, USERS, avro_fields, tastes

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
SMALL = {"algorithmHyperParameters": {"hidden_dimension": "32"}}


def planted_group(aws, with_metadata: bool = True):
    # 12 held-out users: over 6, precision@10 moves in steps of 1/60, and a margin of 1.5x was a matter of luck
    data = tastes(users_per_group=60)
    group_arn = group(aws)
    role = bucket_and_role(aws)
    arns = {"INTERACTIONS": dataset(aws, group_arn, "INTERACTIONS", avro_fields(INTERACTIONS))}
    import_frame(aws, arns["INTERACTIONS"], data.interactions, role, "interactions")
    if with_metadata:
        arns["ITEMS"] = dataset(aws, group_arn, "ITEMS", avro_fields(ITEMS))
        import_frame(aws, arns["ITEMS"], data.items, role, "items")
        arns["USERS"] = dataset(aws, group_arn, "USERS", avro_fields(USERS))
        import_frame(aws, arns["USERS"], data.users, role, "users")
    return group_arn, arns


def recommended(aws, campaign_arn, user, count=10):
    return aws.runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=count)


@pytest.mark.parametrize("with_metadata", [False, True], ids=["interactions-only", "all-three-datasets"])
def test_user_personalization_trains_and_serves_planted_tastes(aws, with_metadata):
    group_arn, _ = planted_group(aws, with_metadata)
    version_arn = version(aws, solution(aws, group_arn, RECIPE, solutionConfig=SMALL))
    described = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    used = described["solutionConfig"]["algorithmHyperParameters"]
    assert used["hidden_dimension"] == "32" and used["bptt"] == "32" and used["recency_mask"] == "true"
    assert described["trainingHours"] > 0
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]
    baseline_arn = version(aws, solution(aws, group_arn, POPULARITY, name="baseline"))
    baseline = aws.personalize.get_solution_metrics(solutionVersionArn=baseline_arn)["metrics"]
    # a held-out user's next items are of their group: a model that learnt tastes ranks them above the other group
    assert metrics["precision_at_10"] > 1.5 * baseline["precision_at_10"]

    explorer = campaign(aws, version_arn, name="explorer")
    config = aws.personalize.describe_campaign(campaignArn=explorer)["campaign"]["campaignConfig"]
    assert config["itemExplorationConfig"] == {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}
    no_exploration = {"itemExplorationConfig": {"explorationWeight": "0"}}
    campaign_arn = campaign(aws, version_arn, campaignConfig=no_exploration)
    answer = recommended(aws, campaign_arn, "b-user2", 25)
    scores = [item["score"] for item in answer["itemList"]]
    assert scores == sorted(scores, reverse=True) and sum(scores) <= 1.0 + 1e-6
    assert sum(item["itemId"].startswith("b") for item in answer["itemList"][:10]) >= 8


def test_events_move_recommendations_in_real_time_and_update_adds_new_items(aws):
    group_arn, arns = planted_group(aws)
    version_arn = version(aws, solution(aws, group_arn, RECIPE, solutionConfig=SMALL))
    cold_only = {"itemExplorationConfig": {"explorationWeight": "1", "explorationItemAgeCutOff": "1"}}
    campaign_arn = campaign(aws, version_arn, campaignConfig=cold_only)
    created = tracker(aws, group_arn)

    first = recommended(aws, campaign_arn, "walk-in")
    clicks = [
        {"eventType": "click", "itemId": f"b{k}", "sentAt": 1_700_500_000 + 60 * k,
         "recommendationId": first["recommendationId"]}
        for k in range(6)
    ]  # fmt: skip
    aws.events.put_events(trackingId=created["trackingId"], userId="walk-in", sessionId="s1", eventList=clicks)
    after = recommended(aws, campaign_arn, "walk-in")
    assert sum(item["itemId"].startswith("b") for item in after["itemList"]) >= 8

    late = {"genre": "A", "creationTimestamp": 1_700_500_000}
    aws.events.put_items(datasetArn=arns["ITEMS"], items=[{"itemId": "a-late", "properties": json.dumps(late)}])
    assert "a-late" not in {i["itemId"] for i in recommended(aws, campaign_arn, "a-user1", 25)["itemList"]}
    updated = version(aws, aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"][
        "solutionArn"], trainingMode="UPDATE")  # fmt: skip
    aws.personalize.update_campaign(campaignArn=campaign_arn, solutionVersionArn=updated)
    wait_until(lambda: aws.personalize.describe_campaign(campaignArn=campaign_arn)["campaign"]["latestCampaignUpdate"])
    # with every slot exploring items younger than a day, the one new item is always in the list
    assert "a-late" in {i["itemId"] for i in recommended(aws, campaign_arn, "a-user1", 5)["itemList"]}
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=updated)["metrics"]
    assert metrics == aws.personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]


def test_perform_hpo_searches_and_reports_what_it_chose(aws):
    group_arn, _ = planted_group(aws, with_metadata=False)
    config = {
        "algorithmHyperParameters": {"hidden_dimension": "32"},
        "hpoConfig": {
            "hpoResourceConfig": {"maxNumberOfTrainingJobs": "2", "maxParallelTrainingJobs": "1"},
            "algorithmHyperParameterRanges": {"integerHyperParameterRanges": [
                {"name": "hidden_dimension", "minValue": 32, "maxValue": 48}]},
        },
    }  # fmt: skip
    version_arn = version(aws, solution(aws, group_arn, RECIPE, performHPO=True, solutionConfig=config))
    described = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    tuned = described["tunedHPOParams"]["algorithmHyperParameters"]
    assert 32 <= int(tuned["hidden_dimension"]) <= 48
    assert described["solutionConfig"]["algorithmHyperParameters"] == tuned


def test_hyperparameters_out_of_range_are_refused_at_create_solution(aws):
    group_arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(
            name="too-wide", datasetGroupArn=group_arn, recipeArn=RECIPE,
            solutionConfig={"algorithmHyperParameters": {"hidden_dimension": "1024"}},
        )  # fmt: skip
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidInputException"
    assert error["Message"] == "The hyperparameter hidden_dimension must be between 32 and 256; got 1024."


def test_a_batch_inference_job_scores_its_users_together_and_answers_as_the_campaign(aws):
    group_arn, _ = planted_group(aws)
    version_arn = version(aws, solution(aws, group_arn, RECIPE, solutionConfig=SMALL))
    campaign_arn = campaign(aws, version_arn, campaignConfig={"itemExplorationConfig": {"explorationWeight": "0"}})
    users = ["a-user1", "b-user2", "a-user1", "stranger", "b-user7"]
    body = "".join(json.dumps({"userId": user}) + "\n" for user in users)
    role = aws.iam.get_role(RoleName="personalize-role")["Role"]["Arn"]
    no_exploration = {"itemExplorationConfig": {"explorationWeight": "0"}}
    job = aws.personalize.create_batch_inference_job(
        jobName="nightly", solutionVersionArn=version_arn, roleArn=role, numResults=10,
        batchInferenceJobConfig=no_exploration,
        jobInput={"s3DataSource": {"path": upload(aws, "in/users.json", body)}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/out/"}},
    )["batchInferenceJobArn"]  # fmt: skip
    wait_until(lambda: aws.personalize.describe_batch_inference_job(batchInferenceJobArn=job)["batchInferenceJob"])
    written = aws.s3.get_object(Bucket=BUCKET, Key="out/users.json.out")["Body"].read().decode().splitlines()
    for user, line in zip(users, map(json.loads, written), strict=True):
        listed = recommended(aws, campaign_arn, user)["itemList"]
        assert line["output"]["recommendedItems"] == [item["itemId"] for item in listed]
        assert line["output"]["scores"] == pytest.approx([item["score"] for item in listed], rel=1e-5)
