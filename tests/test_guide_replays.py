"""The Python code of AWS's developer guide, replayed call for call against both adapters.

Each test makes the calls of the guide's pages in their order. It waits only where AWS needs it to: where the
page's own code polls, and where the guide's text or the API reference says to wait (AWS refuses the call
otherwise, and so does the emulator); never where AWS takes the next call at once (a dataset import right after
CreateDataset, a solution version right after CreateSolution, a batch job right after its filter). Arguments are
the guide's, with our names and data for its placeholders; the one other change is a smaller network
(`hidden_dimension` 32), so that each training takes seconds.

Pages (https://docs.aws.amazon.com/personalize/latest/dg/...): getting-started-python.html,
native-recipe-new-item-USER_PERSONALIZATION.html, filter-real-time.html, creating-batch-inference-job.html.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from personalize_emulator import configure
from personalize_emulator.demo import synthetic_interactions
from tests.builders import BUCKET, INTERACTIONS_FIELDS, avro, bucket_and_role, dataset, group, import_frame, upload
from tests.conftest import wait_until

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
SMALL = {"algorithmHyperParameters": {"hidden_dimension": "32"}}
TRAINING = 1800  # seconds a training may take on a loaded machine; the guide's own loops allow three hours


@pytest.fixture(autouse=True)
def default_pace():
    """The emulator's default pace (0.02 s a step), as a program run against it meets it."""
    configure(pace=0.02)
    yield
    configure(pace=0)


def until_settled(describe) -> dict:
    """The guide's polling loop: describe until ACTIVE or CREATE FAILED."""
    return wait_until(describe, timeout=TRAINING)


def test_getting_started_with_the_sdk_for_python(aws):
    personalize, personalize_rt = aws.personalize, aws.runtime
    role_arn = bucket_and_role(aws)  # the tutorial's prerequisites: a bucket with the data, a role Personalize trusts
    ratings = upload(aws, "ratings.csv", synthetic_interactions(users=60, items=40, per_user=20))

    # Step 1: verify the environment
    assert any(r["name"] == "aws-user-personalization" for r in personalize.list_recipes()["recipes"])

    # Step 2: import data
    schema = {**json.loads(avro("Interactions", INTERACTIONS_FIELDS[:3])), "version": "1.0"}  # the guide's 3 fields
    interactions_schema_arn = personalize.create_schema(name="getting-started-schema", schema=json.dumps(schema))[
        "schemaArn"
    ]
    dataset_group_arn = personalize.create_dataset_group(name="getting-started")["datasetGroupArn"]
    description = personalize.describe_dataset_group(datasetGroupArn=dataset_group_arn)["datasetGroup"]
    assert description["status"] in ("CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE")
    # "You must wait until the status of the dataset group is ACTIVE before adding a dataset to the group."
    # (API reference, CreateDatasetGroup; the CLI version of this tutorial says so too): AWS refuses it before.
    wait_until(lambda: personalize.describe_dataset_group(datasetGroupArn=dataset_group_arn)["datasetGroup"])
    dataset_arn = personalize.create_dataset(
        name="getting-started-interactions",
        schemaArn=interactions_schema_arn,
        datasetGroupArn=dataset_group_arn,
        datasetType="Interactions",
    )["datasetArn"]
    job_arn = personalize.create_dataset_import_job(
        jobName="getting-started-import",
        datasetArn=dataset_arn,
        dataSource={"dataLocation": ratings},
        roleArn=role_arn,
        importMode="FULL",
    )["datasetImportJobArn"]
    personalize.describe_dataset_import_job(datasetImportJobArn=job_arn)
    until_settled(lambda: personalize.describe_dataset_import_job(datasetImportJobArn=job_arn)["datasetImportJob"])

    # Step 3: create a solution and a solution version, the second right after the first
    solution_arn = personalize.create_solution(
        name="getting-started-solution", recipeArn=UP, datasetGroupArn=dataset_group_arn, solutionConfig=SMALL
    )["solutionArn"]
    solution_version_arn = personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    until_settled(
        lambda: personalize.describe_solution_version(solutionVersionArn=solution_version_arn)["solutionVersion"]
    )

    # Step 4: create a campaign
    campaign_arn = personalize.create_campaign(
        name="getting-started-campaign", solutionVersionArn=solution_version_arn
    )["campaignArn"]
    personalize.describe_campaign(campaignArn=campaign_arn)
    # "Wait until the status of the campaign is ACTIVE before asking the campaign for recommendations."
    # (API reference, CreateCampaign)
    wait_until(lambda: personalize.describe_campaign(campaignArn=campaign_arn)["campaign"])

    # Step 5: get recommendations
    response = personalize_rt.get_recommendations(campaignArn=campaign_arn, userId="u1", numResults=10)
    assert len(response["itemList"]) == 10


def impressions_group(aws) -> tuple[str, str]:
    """What the User-Personalization page starts from: a dataset group with interactions that carry impressions
    (and, for the filter page, Items with a CATEGORY); the group's ARN and the role's."""
    clicks = synthetic_interactions(users=60, items=40, per_user=20)
    clicks["IMPRESSION"] = clicks["ITEM_ID"] + "|i0|i1"
    fields = [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "IMPRESSION", "type": "string"},
    ]
    items = pd.DataFrame({"ITEM_ID": [f"i{n}" for n in range(40)], "CATEGORY": [f"c{n % 4}" for n in range(40)]})
    item_fields = [{"name": "ITEM_ID", "type": "string"}, {"name": "CATEGORY", "type": "string", "categorical": True}]
    group_arn, role_arn = group(aws, "exploration"), bucket_and_role(aws)
    import_frame(aws, dataset(aws, group_arn, "INTERACTIONS", fields), clicks, role_arn, "clicks")
    import_frame(aws, dataset(aws, group_arn, "ITEMS", item_fields), items, role_arn, "items")
    return group_arn, role_arn


def test_user_personalization_then_filters_then_batch_recommendations(aws):
    personalize, personalize_runtime, personalize_events = aws.personalize, aws.runtime, aws.events
    dataset_group_arn, role_arn = impressions_group(aws)

    # Training with the User-Personalization recipe: the solution, then at once its version
    solution_arn = personalize.create_solution(
        name="exploring", recipeArn=UP, datasetGroupArn=dataset_group_arn, solutionConfig=SMALL
    )["solutionArn"]
    new_solution_version_arn = personalize.create_solution_version(solutionArn=solution_arn, trainingMode="FULL")[
        "solutionVersionArn"
    ]
    # "When Amazon Personalize is finished creating your solution version, create your campaign" (the page)
    until_settled(
        lambda: personalize.describe_solution_version(solutionVersionArn=new_solution_version_arn)["solutionVersion"]
    )
    campaign_arn = personalize.create_campaign(
        name="exploring",
        solutionVersionArn=new_solution_version_arn,
        minProvisionedTPS=1,
        campaignConfig={"itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}},
    )["campaignArn"]

    # Getting recommendations and recording impressions
    # "Wait until the status of the campaign is ACTIVE before asking the campaign for recommendations."
    wait_until(lambda: personalize.describe_campaign(campaignArn=campaign_arn)["campaign"])
    rec_response = personalize_runtime.get_recommendations(campaignArn=campaign_arn, userId="u1")
    assert rec_response["recommendationId"]
    event_tracker_response = personalize.create_event_tracker(name="exploring", datasetGroupArn=dataset_group_arn)
    event_tracking_id = event_tracker_response["trackingId"]
    # "The event tracker must be in the ACTIVE state before using the tracking ID." (API reference)
    tracker_arn = event_tracker_response["eventTrackerArn"]
    wait_until(lambda: personalize.describe_event_tracker(eventTrackerArn=tracker_arn)["eventTracker"])
    personalize_events.put_events(
        trackingId=event_tracking_id,
        userId="u1",
        sessionId="1",
        eventList=[
            {
                "sentAt": datetime.now().timestamp(),
                "eventType": "click",
                "itemId": rec_response["itemList"][0]["itemId"],
                "recommendationId": rec_response["recommendationId"],
                "impression": [item["itemId"] for item in rec_response["itemList"]],
            }
        ],
    )

    # Filtering real-time recommendations: the filter, and at once the batch job of the batch page that uses it
    filter_arn = personalize.create_filter(
        name="by-category",
        datasetGroupArn=dataset_group_arn,
        filterExpression="EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)",
    )["filterArn"]
    line = {"userId": "u1", "filterValues": {"CATEGORY": '"c0"'}}
    source = upload(aws, "batch/input.json", json.dumps(line) + "\n")
    batch_arn = personalize.create_batch_inference_job(
        solutionVersionArn=new_solution_version_arn,
        jobName="exploring-batch",
        roleArn=role_arn,
        filterArn=filter_arn,
        batchInferenceJobConfig={
            "itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}
        },
        jobInput={"s3DataSource": {"path": source}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/batch/output/"}},
    )["batchInferenceJobArn"]
    # "To verify that the filter is active, use the DescribeFilter operation before you use the filter." (the page)
    wait_until(lambda: personalize.describe_filter(filterArn=filter_arn)["filter"])
    response = personalize_runtime.get_recommendations(
        campaignArn=campaign_arn, userId="u1", filterArn=filter_arn, filterValues={"CATEGORY": '"c0"'}
    )
    category = {f"i{n}": f"c{n % 4}" for n in range(40)}
    assert response["itemList"] and all(category[i["itemId"]] != "c0" for i in response["itemList"])
    until_settled(lambda: personalize.describe_batch_inference_job(batchInferenceJobArn=batch_arn)["batchInferenceJob"])
    output = aws.s3.get_object(Bucket=BUCKET, Key="batch/output/input.json.out")["Body"].read().decode()
    recommended = json.loads(output)["output"]["recommendedItems"]
    assert recommended and all(category[item] != "c0" for item in recommended)
