"""End-to-end demo: the Amazon Personalize workflow in plain boto3, run against the local emulator.

Nothing here is specific to the emulator except `main`, which picks where to run: in-process under
`mock_aws()` by default, or against `--endpoint-url` (a running `python -m personalize_emulator serve`).
`run_workflow` is the script a reader would run on real AWS (in us-east-1), clean-up included.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable
from typing import Any

import boto3
import numpy as np
import pandas as pd

from personalize_emulator.adapters.moto_plugin import mock_aws
from personalize_emulator.testing import ROLE_POLICY, create_bucket_and_role, wait_for_status, wait_until_gone

REGION = "us-east-1"
NAME = "emulator-demo"
INTERACTIONS_SCHEMA = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
    "version": "1.0",
}


def synthetic_interactions(users: int = 300, items: int = 120, per_user: int = 12, seed: int = 7) -> pd.DataFrame:
    """Clicks whose item popularity follows a Zipf law: item i0 is the most popular, and so on (a planted answer)."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, items + 1) ** 1.1
    rows = []
    for user in range(users):
        chosen = rng.choice(items, size=per_user, replace=False, p=weights / weights.sum())
        start = 1_700_000_000 + int(rng.integers(0, 86_400 * 30))
        rows += [(f"u{user}", f"i{item}", start + 600 * step, "click") for step, item in enumerate(chosen)]
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])


def run_workflow(session: boto3.session.Session, endpoint_url: str | None = None, log: Callable[[str], None] = print):
    """Bucket, role, dataset group, schema, import, solution, version, metrics, campaign, recommendations,
    events, then the clean-up, in plain boto3. Returns what it got."""

    def client(name: str) -> Any:
        return session.client(name, endpoint_url=endpoint_url)

    personalize, runtime, events = client("personalize"), client("personalize-runtime"), client("personalize-events")
    s3, iam = client("s3"), client("iam")
    account = client("sts").get_caller_identity()["Account"]
    bucket = f"{NAME}-{account}"
    role_arn = create_bucket_and_role(s3, iam, bucket, f"{NAME}-role")
    frame = synthetic_interactions()
    s3.put_object(Bucket=bucket, Key="interactions.csv", Body=frame.to_csv(index=False).encode())
    log(f"uploaded {len(frame)} interactions to s3://{bucket}/interactions.csv")

    def active(describe: Callable[..., dict], key: str, **arn: str) -> dict[str, Any]:
        return wait_for_status(lambda: describe(**arn)[key])

    group_arn = personalize.create_dataset_group(name=NAME)["datasetGroupArn"]
    active(personalize.describe_dataset_group, "datasetGroup", datasetGroupArn=group_arn)
    schema = json.dumps(INTERACTIONS_SCHEMA)
    schema_arn = personalize.create_schema(name=f"{NAME}-interactions", schema=schema)["schemaArn"]
    dataset_arn = personalize.create_dataset(
        name=f"{NAME}-interactions", datasetGroupArn=group_arn, datasetType="Interactions", schemaArn=schema_arn
    )["datasetArn"]
    active(personalize.describe_dataset, "dataset", datasetArn=dataset_arn)
    job_arn = personalize.create_dataset_import_job(
        jobName=f"{NAME}-import",
        datasetArn=dataset_arn,
        roleArn=role_arn,
        dataSource={"dataLocation": f"s3://{bucket}/interactions.csv"},
    )["datasetImportJobArn"]
    active(personalize.describe_dataset_import_job, "datasetImportJob", datasetImportJobArn=job_arn)
    log(f"imported into {dataset_arn}")

    solution_arn = personalize.create_solution(
        name=f"{NAME}-popularity",
        datasetGroupArn=group_arn,
        recipeArn="arn:aws:personalize:::recipe/aws-popularity-count",
    )["solutionArn"]
    active(personalize.describe_solution, "solution", solutionArn=solution_arn)
    version_arn = personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    active(personalize.describe_solution_version, "solutionVersion", solutionVersionArn=version_arn)
    metrics = personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]
    log("offline metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in sorted(metrics.items())))

    campaign_arn = personalize.create_campaign(
        name=f"{NAME}-campaign", solutionVersionArn=version_arn, minProvisionedTPS=1
    )["campaignArn"]
    active(personalize.describe_campaign, "campaign", campaignArn=campaign_arn)
    answer = runtime.get_recommendations(campaignArn=campaign_arn, userId="u1", numResults=10)
    recommended = [item["itemId"] for item in answer["itemList"]]
    log(f"recommendations for u1: {recommended}")

    tracker = personalize.create_event_tracker(name=f"{NAME}-tracker", datasetGroupArn=group_arn)
    active(personalize.describe_event_tracker, "eventTracker", eventTrackerArn=tracker["eventTrackerArn"])
    events.put_events(
        trackingId=tracker["trackingId"],
        userId="u1",
        sessionId="session-1",
        eventList=[
            {
                "eventType": "click",
                "itemId": recommended[0],
                "sentAt": time.time(),
                "recommendationId": answer["recommendationId"],
            }
        ],
    )
    log(f"recorded a click on {recommended[0]} through the event tracker")

    # Clean-up in dependency order; each delete waits until the resource is gone.
    for kind, member, arn in (
        ("campaign", "campaignArn", campaign_arn),
        ("solution", "solutionArn", solution_arn),
        ("event_tracker", "eventTrackerArn", tracker["eventTrackerArn"]),
        ("dataset", "datasetArn", dataset_arn),
        ("dataset_group", "datasetGroupArn", group_arn),
    ):
        getattr(personalize, f"delete_{kind}")(**{member: arn})
        wait_until_gone(functools.partial(getattr(personalize, f"describe_{kind}"), **{member: arn}))
    personalize.delete_schema(schemaArn=schema_arn)
    s3.delete_object(Bucket=bucket, Key="interactions.csv")
    s3.delete_bucket(Bucket=bucket)
    iam.delete_role_policy(RoleName=f"{NAME}-role", PolicyName=ROLE_POLICY)
    iam.delete_role(RoleName=f"{NAME}-role")
    log("cleaned up")
    return {"metrics": metrics, "recommended": recommended, "interactions": len(frame)}


def main(endpoint_url: str | None = None) -> dict[str, Any]:
    if endpoint_url:
        session = boto3.session.Session(
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
            region_name=REGION,
        )
        return run_workflow(session, endpoint_url)
    with mock_aws():
        print("running in-process: moto serves S3, IAM and STS; personalize_emulator serves Amazon Personalize")
        return run_workflow(boto3.session.Session(region_name=REGION))
