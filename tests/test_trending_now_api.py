"""aws-trending-now as a custom recipe through the API, on both adapters: a solution with its feature transformation
parameter, a campaign asked without a userId, events that make an item trend, and no batch inference
(https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-trending-now.html)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.builders import INTERACTIONS_FIELDS, campaign, group_with_interactions, solution, tracker, version
from tests.conftest import error_of
from tests.recipes.planted_domains import vod

TRENDING = "arn:aws:personalize:::recipe/aws-trending-now"
HOURLY = {"featureTransformationParameters": {"trend_discovery_frequency": "1 hour"}}


def trending(aws, campaign_arn: str, count: int = 5) -> list[str]:
    answer = aws.runtime.get_recommendations(campaignArn=campaign_arn, numResults=count)["itemList"]
    assert all("score" not in item for item in answer)
    return [item["itemId"] for item in answer]


def test_trending_now_serves_the_rising_item_first_and_follows_events(aws):
    data = vod()
    built = group_with_interactions(aws, INTERACTIONS_FIELDS, data.interactions)
    version_arn = version(aws, solution(aws, built.group, TRENDING, solutionConfig=HOURLY))
    described = aws.personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    assert described["solutionConfig"]["featureTransformationParameters"] == {"trend_discovery_frequency": "1 hour"}
    campaign_arn = campaign(aws, version_arn)
    assert trending(aws, campaign_arn)[0] == "rising"  # 40 watches in the last hour, none before

    tracking = tracker(aws, built.group)["trackingId"]
    newest = int(data.interactions["TIMESTAMP"].max())
    for batch in range(5):  # an item nobody knew, watched 50 times after everything else
        events = [{"eventType": "watch", "itemId": "breaking", "sentAt": newest + 10 * (batch * 10 + k)}
                  for k in range(10)]  # fmt: skip
        aws.events.put_events(trackingId=tracking, userId=f"fan{batch}", sessionId="s", eventList=events)
    assert trending(aws, campaign_arn)[:2] == ["breaking", "rising"]

    with pytest.raises(ClientError) as raised:
        aws.personalize.create_batch_inference_job(
            jobName="batch", solutionVersionArn=version_arn, roleArn=built.role,
            jobInput={"s3DataSource": {"path": "s3://test-data/in.json"}},
            jobOutput={"s3DataDestination": {"path": "s3://test-data/out/"}},
        )  # fmt: skip
    assert error_of(raised) == (
        "InvalidInputException",
        "You can't get batch recommendations with the aws-trending-now recipe; get them from a campaign of it.",
    )


def test_trend_discovery_frequency_takes_the_documented_values(aws):
    built = group_with_interactions(aws, INTERACTIONS_FIELDS)
    with pytest.raises(ClientError) as raised:
        solution(aws, built.group, TRENDING, solutionConfig={
            "featureTransformationParameters": {"trend_discovery_frequency": "5 minutes"}})  # fmt: skip
    assert error_of(raised) == (
        "InvalidInputException",
        "The hyperparameter trend_discovery_frequency must be one of 30 minutes, 1 hour, 2 hours, 3 hours, 1 day; "
        "got '5 minutes'.",
    )
