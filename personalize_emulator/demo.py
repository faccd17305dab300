"""End-to-end demo: the Amazon Personalize workflow in plain boto3, run against the local emulator.

Nothing here is specific to the emulator except `main`, which picks where to run: in-process under
`mock_aws()` by default, or against `--endpoint-url` (a running `python -m personalize_emulator serve`).
`run_workflow` is the script a reader would run on real AWS.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import numpy as np
import pandas as pd

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


def bucket_policy(bucket: str, actions: tuple[str, ...]) -> dict[str, Any]:
    """The bucket policy AWS asks for: the Personalize service principal may perform `actions` on the bucket."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "personalize.amazonaws.com"},
                "Action": list(actions),
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


def trust_policy(service: str = "personalize.amazonaws.com") -> dict[str, Any]:
    """A role trust policy that lets `service` assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def wait_for(describe: Callable[[], dict[str, Any]], poll: float = 0.05, timeout: float = 600) -> dict[str, Any]:
    """Poll a describe call until its status settles; raise with the failureReason if it failed."""
    deadline = time.monotonic() + timeout
    while True:
        resource = describe()
        status = resource.get("status")
        if status == "ACTIVE":
            return resource
        if status in ("CREATE FAILED", "CREATE STOPPED"):
            raise RuntimeError(f"{status}: {resource.get('failureReason')}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"still {status} after {timeout} s")
        time.sleep(poll)


def run_workflow(
    session: boto3.session.Session, poll: float = 0.05, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Bucket, role, dataset group, schema, import, solution, version, metrics, campaign, recommendations,
    events, then the clean-up. Returns what it got."""
    s3, iam = session.client("s3"), session.client("iam")
    personalize = session.client("personalize")
    runtime = session.client("personalize-runtime")
    events = session.client("personalize-events")
    account = session.client("sts").get_caller_identity()["Account"]
    bucket = f"{NAME}-{account}"

    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy(bucket, ("s3:GetObject", "s3:ListBucket"))))
    role_arn = iam.create_role(RoleName=f"{NAME}-role", AssumeRolePolicyDocument=json.dumps(trust_policy()))["Role"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName=f"{NAME}-role", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    frame = synthetic_interactions()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    s3.put_object(Bucket=bucket, Key="interactions.csv", Body=buffer.getvalue().encode())
    log(f"uploaded {len(frame)} interactions to s3://{bucket}/interactions.csv")

    group_arn = personalize.create_dataset_group(name=NAME)["datasetGroupArn"]
    wait_for(lambda: personalize.describe_dataset_group(datasetGroupArn=group_arn)["datasetGroup"], poll)
    schema_arn = personalize.create_schema(name=f"{NAME}-interactions", schema=json.dumps(INTERACTIONS_SCHEMA))[
        "schemaArn"
    ]
    dataset_arn = personalize.create_dataset(
        name=f"{NAME}-interactions", datasetGroupArn=group_arn, datasetType="Interactions", schemaArn=schema_arn
    )["datasetArn"]
    wait_for(lambda: personalize.describe_dataset(datasetArn=dataset_arn)["dataset"], poll)
    job_arn = personalize.create_dataset_import_job(
        jobName=f"{NAME}-import",
        datasetArn=dataset_arn,
        roleArn=role_arn,
        dataSource={"dataLocation": f"s3://{bucket}/interactions.csv"},
    )["datasetImportJobArn"]
    wait_for(lambda: personalize.describe_dataset_import_job(datasetImportJobArn=job_arn)["datasetImportJob"], poll)
    log(f"imported into {dataset_arn}")

    solution_arn = personalize.create_solution(
        name=f"{NAME}-popularity",
        datasetGroupArn=group_arn,
        recipeArn="arn:aws:personalize:::recipe/aws-popularity-count",
    )["solutionArn"]
    wait_for(lambda: personalize.describe_solution(solutionArn=solution_arn)["solution"], poll)
    version_arn = personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    wait_for(lambda: personalize.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"], poll)
    metrics = personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]
    log("offline metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in sorted(metrics.items())))

    campaign_arn = personalize.create_campaign(
        name=f"{NAME}-campaign", solutionVersionArn=version_arn, minProvisionedTPS=1
    )["campaignArn"]
    wait_for(lambda: personalize.describe_campaign(campaignArn=campaign_arn)["campaign"], poll)
    answer = runtime.get_recommendations(campaignArn=campaign_arn, userId="u1", numResults=10)
    recommended = [item["itemId"] for item in answer["itemList"]]
    log(f"recommendations for u1: {recommended}")

    tracker = personalize.create_event_tracker(name=f"{NAME}-tracker", datasetGroupArn=group_arn)
    wait_for(
        lambda: personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"], poll
    )
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

    clean_up(session, group_arn, bucket, f"{NAME}-role", poll)
    log("cleaned up")
    return {"metrics": metrics, "recommended": recommended, "interactions": len(frame)}


def clean_up(session: boto3.session.Session, group_arn: str, bucket: str, role_name: str, poll: float = 0.05) -> None:
    """Delete in dependency order, waiting for each kind to be gone before the next."""
    personalize = session.client("personalize")

    def gone(list_call: Callable[[], list[dict]]) -> None:
        while list_call():
            time.sleep(poll)

    solutions = personalize.list_solutions(datasetGroupArn=group_arn)["solutions"]
    for solution in solutions:
        for campaign in personalize.list_campaigns(solutionArn=solution["solutionArn"])["campaigns"]:
            personalize.delete_campaign(campaignArn=campaign["campaignArn"])
        gone(lambda s=solution: personalize.list_campaigns(solutionArn=s["solutionArn"])["campaigns"])
        personalize.delete_solution(solutionArn=solution["solutionArn"])
    gone(lambda: personalize.list_solutions(datasetGroupArn=group_arn)["solutions"])
    for tracker in personalize.list_event_trackers(datasetGroupArn=group_arn)["eventTrackers"]:
        personalize.delete_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])
    gone(lambda: personalize.list_event_trackers(datasetGroupArn=group_arn)["eventTrackers"])
    datasets = personalize.list_datasets(datasetGroupArn=group_arn)["datasets"]
    schemas = {personalize.describe_dataset(datasetArn=d["datasetArn"])["dataset"]["schemaArn"] for d in datasets}
    for dataset in datasets:
        personalize.delete_dataset(datasetArn=dataset["datasetArn"])
    gone(lambda: personalize.list_datasets(datasetGroupArn=group_arn)["datasets"])
    for schema_arn in schemas:
        personalize.delete_schema(schemaArn=schema_arn)
    personalize.delete_dataset_group(datasetGroupArn=group_arn)
    gone(lambda: [g for g in personalize.list_dataset_groups()["datasetGroups"] if g["datasetGroupArn"] == group_arn])

    s3, iam = session.client("s3"), session.client("iam")
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)
    for policy in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role_name, PolicyArn=policy["PolicyArn"])
    iam.delete_role(RoleName=role_name)


def main(endpoint_url: str | None = None) -> dict[str, Any]:
    if endpoint_url:
        import os

        os.environ["AWS_ENDPOINT_URL"] = endpoint_url
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        return run_workflow(session)
    from . import mock_aws

    with mock_aws():
        print("running in-process: moto serves S3, IAM and STS; personalize_emulator serves Amazon Personalize")
        return run_workflow(boto3.session.Session(region_name=REGION))
