import io
import json

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import BUCKET, bucket_and_role, bucket_policy_refusal, dataset, group, import_frame, waited_for
from tests.conftest import ACCOUNT, REGION, error_of, wait_until

CLICKS = pd.DataFrame(
    {
        "USER_ID": ["u1", "u1", "u2"],
        "ITEM_ID": ["i1", "i2", "i1"],
        "TIMESTAMP": [1_700_000_000, 1_700_000_060, 1_700_000_120],
        "EVENT_TYPE": ["click", "watch", "click"],
    }
)
ITEMS = pd.DataFrame(
    {"ITEM_ID": ["i1", "i2"], "GENRES": ["drama|comedy", ""], "CREATION_TIMESTAMP": [1_600_000_000, ""]}
)
USERS = pd.DataFrame({"USER_ID": ["u1", "u2"], "NATIONALITY": ["FR", ""]})
EXPORTS = f"s3://{BUCKET}/exports/"


def describe(aws, job_arn):
    return aws.personalize.describe_dataset_export_job(datasetExportJobArn=job_arn)["datasetExportJob"]


def start_export(aws, dataset_arn, role, name="export", **kwargs):
    return aws.personalize.create_dataset_export_job(
        jobName=name, datasetArn=dataset_arn, roleArn=role, jobOutput={"s3DataDestination": {"path": EXPORTS}}, **kwargs
    )["datasetExportJobArn"]


def export(aws, dataset_arn, role, name="export", **kwargs):
    """Run an export job to completion; what it wrote, read back from S3 as strings."""
    job = start_export(aws, dataset_arn, role, name, **kwargs)
    wait_until(lambda: describe(aws, job))
    keys = [o["Key"] for o in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"exports/{name}/")["Contents"]]
    assert len(keys) == 1
    body = aws.s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    return pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)


def by_id(frame, column):
    return frame.astype(str).sort_values(column, ignore_index=True)


def imported(aws, kind, frame):
    """A dataset of `kind` holding `frame`, bulk-imported, and the role that may read and write the bucket."""
    target = dataset(aws, group(aws), kind)
    role = bucket_and_role(aws)
    import_frame(aws, target, frame, role)
    return target, role


def test_export_writes_the_imported_records_back_as_csv(aws):
    target, role = imported(aws, "INTERACTIONS", CLICKS)
    written = export(aws, target, role, ingestionMode="BULK")
    assert list(written.columns) == list(CLICKS.columns)
    pd.testing.assert_frame_equal(by_id(written, "TIMESTAMP"), by_id(CLICKS, "TIMESTAMP"))


def test_export_writes_empty_values_for_nulls(aws):
    target, role = imported(aws, "ITEMS", ITEMS)
    written = export(aws, target, role, ingestionMode="ALL")
    pd.testing.assert_frame_equal(by_id(written, "ITEM_ID"), by_id(ITEMS, "ITEM_ID"))


def test_export_job_moves_through_pending_to_active_and_describes_itself(aws, visible_pace):
    configure(pace=0)
    target, role = imported(aws, "INTERACTIONS", CLICKS)
    configure(pace=visible_pace)
    job = start_export(aws, target, role, name="clicks")
    assert job == f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-export-job/clicks"
    assert describe(aws, job)["status"] == "CREATE PENDING"
    wait_until(lambda: describe(aws, job), "CREATE IN_PROGRESS")
    described = wait_until(lambda: describe(aws, job))
    assert described["jobName"] == "clicks"
    assert described["datasetArn"] == target
    assert described["ingestionMode"] == "PUT"
    assert described["jobOutput"] == {"s3DataDestination": {"path": EXPORTS}}


def put_items(aws, dataset_arn):
    aws.events.put_items(
        datasetArn=dataset_arn, items=[{"itemId": "p1", "properties": json.dumps({"genres": "horror"})}]
    )


def put_users(aws, dataset_arn):
    aws.events.put_users(
        datasetArn=dataset_arn, users=[{"userId": "p1", "properties": json.dumps({"nationality": "JP"})}]
    )


@pytest.mark.parametrize(
    ("kind", "frame", "put", "key"),
    [
        pytest.param("ITEMS", ITEMS, put_items, "ITEM_ID", id="items"),
        pytest.param("USERS", USERS, put_users, "USER_ID", id="users"),
    ],
)
def test_ingestion_mode_tells_bulk_records_from_records_put_one_by_one(aws, kind, frame, put, key):
    target, role = imported(aws, kind, frame)
    put(aws, target)
    exported = {
        mode: sorted(export(aws, target, role, name=mode.lower(), ingestionMode=mode)[key])
        for mode in ("BULK", "PUT", "ALL")
    }
    assert exported == {"BULK": sorted(frame[key]), "PUT": ["p1"], "ALL": sorted([*frame[key], "p1"])}
    assert sorted(export(aws, target, role, name="default")[key]) == ["p1"]


def test_create_export_job_needs_put_object_in_the_bucket_policy(aws):
    target = dataset(aws, group(aws))
    role = bucket_and_role(aws, actions=("s3:GetObject", "s3:ListBucket"))
    with pytest.raises(ClientError) as raised:
        start_export(aws, target, role)
    assert error_of(raised) == (
        "InvalidInputException",
        bucket_policy_refusal(f"s3:PutObject on arn:aws:s3:::{BUCKET}/exports/*"),
    )
    assert aws.personalize.list_dataset_export_jobs()["datasetExportJobs"] == []


def test_create_export_job_of_a_dataset_that_is_not_active(aws, visible_pace):
    configure(pace=0)
    target, role = imported(aws, "INTERACTIONS", CLICKS)
    configure(pace=visible_pace)
    aws.personalize.delete_dataset(datasetArn=target)
    with pytest.raises(ClientError) as raised:
        start_export(aws, target, role)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The dataset {target} is not in ACTIVE state; its status is DELETE PENDING.",
    )


def test_an_export_job_on_a_dataset_still_being_created_waits_for_it(aws, visible_pace):
    configure(pace=0)
    group_arn, role = group(aws), bucket_and_role(aws)
    configure(pace=visible_pace)
    target = dataset(aws, group_arn, "INTERACTIONS", wait=False)
    job = start_export(aws, target, role)
    waited_for(lambda: describe(aws, job), lambda: aws.personalize.describe_dataset(datasetArn=target)["dataset"])


def test_describe_export_job_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-export-job/missing"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_export_jobs_by_dataset(aws):
    target, role = imported(aws, "INTERACTIONS", CLICKS)
    items = dataset(aws, aws.personalize.describe_dataset(datasetArn=target)["dataset"]["datasetGroupArn"], "ITEMS")
    mine = {start_export(aws, target, role, name=name) for name in ("first", "second")}
    start_export(aws, items, role, name="items")
    listed = aws.personalize.list_dataset_export_jobs(datasetArn=target)["datasetExportJobs"]
    assert {j["datasetExportJobArn"] for j in listed} == mine
    assert set(listed[0]) <= {
        "datasetExportJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
    }
    assert len(aws.personalize.list_dataset_export_jobs()["datasetExportJobs"]) == 3
