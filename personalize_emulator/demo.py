"""End-to-end demo: the Amazon Personalize workflow in plain boto3, run against the local emulator.

Nothing here is specific to the emulator except `main`, which picks where to run: in-process under
`mock_aws()` by default, or against `--endpoint-url` (a running `python -m personalize_emulator serve`).
`run_workflow` is the script a reader would run on real AWS; the tutorial `helpers` make its bucket and role,
wait, and clean up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import numpy as np
import pandas as pd

from helpers import Target, clean_up, create_bucket, create_personalize_role, select_target, upload_csv, wait_for_active

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


def run_workflow(target: Target, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Bucket, role, dataset group, schema, import, solution, version, metrics, campaign, recommendations,
    events, then the clean-up. Returns what it got."""
    personalize = target.client("personalize")
    runtime = target.client("personalize-runtime")
    events = target.client("personalize-events")
    account = target.client("sts").get_caller_identity()["Account"]
    bucket = create_bucket(target, f"{NAME}-{account}")
    role_arn = create_personalize_role(target, f"{NAME}-role")
    frame = synthetic_interactions()
    uri = upload_csv(target, frame, bucket, "interactions.csv")
    log(f"uploaded {len(frame)} interactions to {uri}")

    group_arn = personalize.create_dataset_group(name=NAME)["datasetGroupArn"]
    wait_for_active(target, group_arn, personalize=personalize)
    schema_arn = personalize.create_schema(name=f"{NAME}-interactions", schema=json.dumps(INTERACTIONS_SCHEMA))[
        "schemaArn"
    ]
    dataset_arn = personalize.create_dataset(
        name=f"{NAME}-interactions", datasetGroupArn=group_arn, datasetType="Interactions", schemaArn=schema_arn
    )["datasetArn"]
    wait_for_active(target, dataset_arn, personalize=personalize)
    job_arn = personalize.create_dataset_import_job(
        jobName=f"{NAME}-import", datasetArn=dataset_arn, roleArn=role_arn, dataSource={"dataLocation": uri}
    )["datasetImportJobArn"]
    wait_for_active(target, job_arn, personalize=personalize)
    log(f"imported into {dataset_arn}")

    solution_arn = personalize.create_solution(
        name=f"{NAME}-popularity",
        datasetGroupArn=group_arn,
        recipeArn="arn:aws:personalize:::recipe/aws-popularity-count",
    )["solutionArn"]
    wait_for_active(target, solution_arn, personalize=personalize)
    version_arn = personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    wait_for_active(target, version_arn, personalize=personalize)
    metrics = personalize.get_solution_metrics(solutionVersionArn=version_arn)["metrics"]
    log("offline metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in sorted(metrics.items())))

    campaign_arn = personalize.create_campaign(
        name=f"{NAME}-campaign", solutionVersionArn=version_arn, minProvisionedTPS=1
    )["campaignArn"]
    wait_for_active(target, campaign_arn, personalize=personalize)
    answer = runtime.get_recommendations(campaignArn=campaign_arn, userId="u1", numResults=10)
    recommended = [item["itemId"] for item in answer["itemList"]]
    log(f"recommendations for u1: {recommended}")

    tracker = personalize.create_event_tracker(name=f"{NAME}-tracker", datasetGroupArn=group_arn)
    wait_for_active(target, tracker["eventTrackerArn"], personalize=personalize)
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

    clean_up(target, group_arn, bucket, f"{NAME}-role")
    log("cleaned up")
    return {"metrics": metrics, "recommended": recommended, "interactions": len(frame)}


def main(endpoint_url: str | None = None) -> dict[str, Any]:
    if endpoint_url:
        return run_workflow(select_target(setting=endpoint_url))
    from personalize_emulator import mock_aws

    with mock_aws():
        print("running in-process: moto serves S3, IAM and STS; personalize_emulator serves Amazon Personalize")
        return run_workflow(Target("local", boto3.session.Session(region_name=REGION), None, poll=0.05))
