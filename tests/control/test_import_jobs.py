import json
from types import SimpleNamespace

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from personalize_emulator.adapters.moto_backends import personalize_backends
from tests.builders import (
    BUCKET,
    INTERACTIONS_FIELDS,
    ITEMS_FIELDS,
    avro,
    bucket_and_role,
    bucket_policy_refusal,
    dataset,
    group,
    start_import,
    upload,
    waited_for,
)
from tests.conftest import ACCOUNT, REGION, error_of, wait_until

CLICK_FIELDS = [
    *INTERACTIONS_FIELDS,
    {"name": "EVENT_VALUE", "type": ["null", "float"]},
    {"name": "DEVICE", "type": ["null", "string"], "categorical": True},
]
HEADER = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
CLICKS = HEADER + "u1,i1,1700000000,click\nu2,i2,1700000060,click\n"
MORE_CLICKS = HEADER + "u3,i3,1700000120,click\n"
BAD = f"s3://{BUCKET}/bad.csv"


def stored(dataset_arn):
    """The records the emulator holds for a dataset (both adapters share this process's backend)."""
    return personalize_backends[ACCOUNT][REGION].resources[dataset_arn].table.frame()


def ids(dataset_arn, column="ITEM_ID"):
    return sorted(stored(dataset_arn)[column])


def describe(aws, job_arn):
    return aws.personalize.describe_dataset_import_job(datasetImportJobArn=job_arn)["datasetImportJob"]


def setup(aws, kind="INTERACTIONS", fields=None):
    """A dataset of `kind` (CLICK_FIELDS for interactions) and a role and bucket Personalize may read."""
    group_arn = group(aws)
    fields = fields or (CLICK_FIELDS if kind == "INTERACTIONS" else None)
    return SimpleNamespace(group=group_arn, dataset=dataset(aws, group_arn, kind, fields), role=bucket_and_role(aws))


def run(aws, built, body, name="import", mode="FULL", status="ACTIVE"):
    """Upload `body` as `<name>.csv`, import it and wait for `status`; the job's description."""
    job = start_import(aws, built.dataset, upload(aws, f"{name}.csv", body), built.role, name, mode)
    return wait_until(lambda: describe(aws, job), status)


def test_import_job_moves_through_pending_to_active(aws, visible_pace):
    configure(pace=0)
    built = setup(aws)
    location = upload(aws, "clicks.csv", CLICKS)
    configure(pace=visible_pace)
    job = start_import(aws, built.dataset, location, built.role, name="clicks")
    assert job == f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-import-job/clicks"
    assert describe(aws, job)["status"] == "CREATE PENDING"
    assert len(stored(built.dataset)) == 0
    wait_until(lambda: describe(aws, job), "CREATE IN_PROGRESS")
    described = wait_until(lambda: describe(aws, job))
    assert described["jobName"] == "clicks"
    assert described["datasetArn"] == built.dataset
    assert described["dataSource"] == {"dataLocation": location}
    assert described["importMode"] == "FULL"
    assert ids(built.dataset) == ["i1", "i2"]


def test_import_matches_columns_by_name_in_any_order_and_case_and_ignores_others(aws):
    built = setup(aws)
    body = (
        "device,Event_Type,item_id,NOTES,timestamp,user_id,EVENT_VALUE\n"
        "phone|tablet,click,i1,ignored,1700000000,u1,2.5\n"
        ",watch,i2,ignored, 1700000060 ,u2,\n"
    )
    run(aws, built, body)
    frame = stored(built.dataset).sort_values("USER_ID", ignore_index=True)
    assert list(frame.columns[:-1]) == [f["name"] for f in CLICK_FIELDS]
    assert list(frame["ITEM_ID"]) == ["i1", "i2"]
    assert list(frame["EVENT_TYPE"]) == ["click", "watch"]
    assert list(frame["TIMESTAMP"]) == [1_700_000_000, 1_700_000_060]
    assert str(frame["TIMESTAMP"].dtype) == "Int64"
    assert frame["EVENT_VALUE"][0] == 2.5 and pd.isna(frame["EVENT_VALUE"][1])
    assert frame["DEVICE"][0] == "phone|tablet" and pd.isna(frame["DEVICE"][1])


def test_import_a_folder_reads_every_csv_in_its_first_level(aws):
    built = setup(aws)
    upload(aws, "clicks/part-1.csv", CLICKS)
    upload(aws, "clicks/part-2.csv", MORE_CLICKS)
    upload(aws, "clicks/archive/old.csv", HEADER + "u9,i9,1600000000,click\n")
    upload(aws, "other.csv", HEADER + "u8,i8,1600000000,click\n")
    job = start_import(aws, built.dataset, f"s3://{BUCKET}/clicks/", built.role)
    wait_until(lambda: describe(aws, job))
    assert ids(built.dataset) == ["i1", "i2", "i3"]


def test_a_bad_file_in_a_folder_fails_the_whole_import_naming_that_file(aws):
    built = setup(aws)
    upload(aws, "clicks/part-1.csv", CLICKS)
    upload(aws, "clicks/part-2.csv", HEADER + "u3,i3,soon,click\n")
    job = start_import(aws, built.dataset, f"s3://{BUCKET}/clicks/", built.role)
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert (
        failed["failureReason"] == f"s3://{BUCKET}/clicks/part-2.csv, line 2, column TIMESTAMP: 'soon' is not a long."
    )
    assert len(stored(built.dataset)) == 0


def test_full_import_replaces_the_bulk_data(aws):
    built = setup(aws)
    run(aws, built, CLICKS, name="first")
    run(aws, built, MORE_CLICKS, name="second", mode="FULL")
    assert ids(built.dataset) == ["i3"]


def test_incremental_import_appends_interactions(aws):
    built = setup(aws)
    run(aws, built, CLICKS, name="first")
    described = run(aws, built, MORE_CLICKS, name="second", mode="INCREMENTAL")
    assert described["importMode"] == "INCREMENTAL"
    assert ids(built.dataset) == ["i1", "i2", "i3"]


def test_incremental_import_of_items_replaces_records_with_the_same_id(aws):
    built = setup(aws, "ITEMS")
    run(aws, built, "ITEM_ID,GENRES\ni1,drama\ni2,comedy\n", name="first")
    run(aws, built, "ITEM_ID,GENRES\ni2,horror|comedy\ni3,\n", name="second", mode="INCREMENTAL")
    frame = stored(built.dataset).set_index("ITEM_ID")
    assert sorted(frame.index) == ["i1", "i2", "i3"]
    assert frame.loc["i1", "GENRES"] == "drama"
    assert frame.loc["i2", "GENRES"] == "horror|comedy"
    assert pd.isna(frame.loc["i3", "GENRES"])


def test_full_import_keeps_the_records_put_one_by_one(aws):
    built = setup(aws, "ITEMS")
    run(aws, built, "ITEM_ID,GENRES\ni1,drama\n", name="first")
    aws.events.put_items(datasetArn=built.dataset, items=[{"itemId": "p1", "properties": json.dumps({"genres": "x"})}])
    run(aws, built, "ITEM_ID,GENRES\ni2,comedy\n", name="second", mode="FULL")
    assert ids(built.dataset) == ["i2", "p1"]


def test_incremental_import_is_refused_before_any_bulk_import(aws):
    built = setup(aws)
    location = upload(aws, "clicks.csv", CLICKS)
    with pytest.raises(ClientError) as raised:
        start_import(aws, built.dataset, location, built.role, mode="INCREMENTAL")
    assert error_of(raised) == (
        "InvalidInputException",
        f"The dataset {built.dataset} has no bulk data yet; its first dataset import job must use importMode FULL.",
    )


def test_a_file_with_only_a_header_imports_no_rows(aws):
    built = setup(aws)
    assert run(aws, built, HEADER)["status"] == "ACTIVE"
    assert len(stored(built.dataset)) == 0


LATIN_1 = (HEADER + "u1,café,1700000000,click\n").encode("latin-1")
E_ACUTE = LATIN_1.index("é".encode("latin-1"))
MALFORMED = [
    pytest.param(
        "USER_ID,TIMESTAMP,EVENT_TYPE\nu1,1700000000,click\n",
        f"Input CSV is missing the following columns:[ITEM_ID]. {BAD}, line 1: the header has USER_ID, TIMESTAMP, "
        "EVENT_TYPE.",
        id="missing-column",
    ),
    pytest.param(
        HEADER + "u1,i1,1700000000,click\nu2,i2,yesterday,click\n",
        f"{BAD}, line 3, column TIMESTAMP: 'yesterday' is not a long.",
        id="timestamp-not-a-number",
    ),
    pytest.param(
        HEADER + "u1,i1,1700000000000,click\n",
        f"{BAD}, line 2, column TIMESTAMP: '1700000000000' looks like milliseconds; "
        "Personalize expects seconds since the Unix epoch.",
        id="timestamp-in-milliseconds",
    ),
    pytest.param(
        HEADER + "u1,i1,1700000000.5,click\n",
        f"{BAD}, line 2, column TIMESTAMP: '1700000000.5' is not a whole number, as a long must be.",
        id="fractional-long",
    ),
    pytest.param(
        "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1700000000,click,lots\n",
        f"{BAD}, line 2, column EVENT_VALUE: 'lots' is not a float.",
        id="event-value-not-a-number",
    ),
    pytest.param(
        HEADER + "u1,i1,1700000000,click\nu2,,1700000060,click\n",
        f"{BAD}, line 3, column ITEM_ID: the value is empty, but the field is not nullable.",
        id="empty-required-value",
    ),
    pytest.param(
        HEADER + 'u1,"i1,1700000000,click\nu2,i2,1700000060,click\n',
        f"{BAD}, line 2, column ITEM_ID: a quoted value is not closed before the end of the file.",
        id="unclosed-quote",
    ),
    pytest.param(
        HEADER + "u1,i1,1700000000,click\nu2,i2,1700000060,click,extra\n",
        f"{BAD}, line 3: the row has 5 values, but the header names 4 columns.",
        id="too-many-values",
    ),
    pytest.param(
        LATIN_1,
        f"{BAD}, line 2, column ITEM_ID: the file is not UTF-8 encoded (invalid continuation byte at byte {E_ACUTE}).",
        id="latin-1",
    ),
    pytest.param("", f"{BAD} is empty: a CSV file needs a header line naming the schema's fields.", id="empty-file"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_a_malformed_file_fails_the_import_and_the_dataset_keeps_its_data(aws, body, reason):
    built = setup(aws)
    run(aws, built, CLICKS, name="good")
    before = stored(built.dataset).copy()
    failed = run(aws, built, body, name="bad", status="CREATE FAILED")
    assert failed["failureReason"] == reason
    pd.testing.assert_frame_equal(stored(built.dataset), before)


def missing_role(aws):
    bucket_and_role(aws)
    role = f"arn:aws:iam::{ACCOUNT}:role/missing"
    return role, f"The role {role} does not exist in IAM."


def untrusting_role(aws):
    role = bucket_and_role(aws, trusted="ec2.amazonaws.com")
    return role, (
        f"The role {role} does not trust personalize.amazonaws.com: its trust policy must allow that service "
        "principal sts:AssumeRole."
    )


def without(action, resource):
    def build(aws):
        granted = tuple(a for a in ("s3:GetObject", "s3:ListBucket") if a != action)
        return bucket_and_role(aws, actions=granted), (bucket_policy_refusal(f"{action} on {resource}"))

    return build


@pytest.mark.parametrize(
    "permissions",
    [
        pytest.param(missing_role, id="role-missing"),
        pytest.param(untrusting_role, id="role-not-trusting-personalize"),
        pytest.param(without("s3:GetObject", f"arn:aws:s3:::{BUCKET}/data.csv"), id="no-get-object"),
        pytest.param(without("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"), id="no-list-bucket"),
    ],
)
def test_create_import_job_checks_the_role_and_the_bucket_policy(aws, permissions):
    target = dataset(aws, group(aws), fields=CLICK_FIELDS)
    role, message = permissions(aws)
    location = upload(aws, "data.csv", CLICKS)
    with pytest.raises(ClientError) as raised:
        start_import(aws, target, location, role)
    assert error_of(raised) == ("InvalidInputException", message)
    assert aws.personalize.list_dataset_import_jobs()["datasetImportJobs"] == []


def test_create_import_job_from_a_bucket_that_does_not_exist(aws):
    built = setup(aws)
    with pytest.raises(ClientError) as raised:
        start_import(aws, built.dataset, "s3://no-such-bucket/data.csv", built.role)
    assert error_of(raised) == ("InvalidInputException", "The S3 bucket no-such-bucket does not exist.")


def test_create_import_job_from_a_location_that_is_not_s3(aws):
    built = setup(aws)
    with pytest.raises(ClientError) as raised:
        start_import(aws, built.dataset, "https://example.com/data.csv", built.role)
    assert error_of(raised) == (
        "InvalidInputException",
        # AWS's words (the guide's "Common error messages"), then ours.
        "Invalid Data location. https://example.com/data.csv is not an S3 location; use s3://bucket/key or "
        "s3://bucket/folder/.",
    )


def test_an_object_deleted_before_the_job_runs_fails_it(aws, visible_pace):
    configure(pace=0)
    built = setup(aws)
    location = upload(aws, "data.csv", CLICKS)
    configure(pace=visible_pace)
    job = start_import(aws, built.dataset, location, built.role)
    aws.s3.delete_object(Bucket=BUCKET, Key="data.csv")
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"There is no object at {location}."


def test_a_folder_without_objects_fails_the_job(aws):
    built = setup(aws)
    upload(aws, "clicks/archive/old.csv", CLICKS)
    job = start_import(aws, built.dataset, f"s3://{BUCKET}/clicks/", built.role)
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"There are no objects under s3://{BUCKET}/clicks/."


def test_a_role_deleted_before_the_job_runs_fails_it(aws, visible_pace):
    configure(pace=0)
    built = setup(aws)
    location = upload(aws, "data.csv", CLICKS)
    configure(pace=visible_pace)
    job = start_import(aws, built.dataset, location, built.role)
    aws.iam.delete_role(RoleName=built.role.rsplit("/", 1)[-1])
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"The role {built.role} does not exist in IAM."


def test_an_import_job_on_a_dataset_still_being_created_waits_for_it_then_runs(aws, visible_pace):
    # AWS takes it: its samples start imports 20 s after CreateDataset, with no wait (datasets take about 30 s).
    configure(pace=0)
    group_arn = group(aws)
    role = bucket_and_role(aws)
    location = upload(aws, "data.csv", CLICKS)
    schema = aws.personalize.create_schema(name="clicks", schema=avro("Interactions", CLICK_FIELDS))["schemaArn"]
    configure(pace=visible_pace)
    target = aws.personalize.create_dataset(
        name="clicks", datasetGroupArn=group_arn, datasetType="INTERACTIONS", schemaArn=schema
    )["datasetArn"]
    job = start_import(aws, target, location, role)
    waited_for(lambda: describe(aws, job), lambda: aws.personalize.describe_dataset(datasetArn=target)["dataset"])
    assert ids(target) == ["i1", "i2"]


def test_an_import_job_on_a_dataset_being_deleted_is_refused(aws, visible_pace):
    built = setup(aws)
    aws.personalize.delete_dataset(datasetArn=built.dataset)
    with pytest.raises(ClientError) as raised:
        start_import(aws, built.dataset, upload(aws, "data.csv", CLICKS), built.role)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The dataset {built.dataset} is not in ACTIVE state; its status is DELETE PENDING.",
    )


def test_create_import_job_into_a_dataset_that_does_not_exist(aws):
    role = bucket_and_role(aws)
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset/missing/INTERACTIONS"
    with pytest.raises(ClientError) as raised:
        start_import(aws, arn, upload(aws, "data.csv", CLICKS), role)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_create_import_job_twice_with_one_name_is_refused(aws):
    built = setup(aws)
    job = run(aws, built, CLICKS, name="clicks")["datasetImportJobArn"]
    with pytest.raises(ClientError) as raised:
        start_import(aws, built.dataset, f"s3://{BUCKET}/clicks.csv", built.role, name="clicks")
    assert error_of(raised) == ("ResourceAlreadyExistsException", f"Another resource with Arn {job} already exists.")


def test_describe_import_job_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-import-job/missing"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_import_jobs_by_dataset(aws):
    built = setup(aws)
    items = dataset(aws, built.group, "ITEMS", ITEMS_FIELDS)
    mine = {run(aws, built, CLICKS, name=name)["datasetImportJobArn"] for name in ("first", "second")}
    start_import(aws, items, upload(aws, "items.csv", "ITEM_ID\ni1\n"), built.role, name="items")
    listed = aws.personalize.list_dataset_import_jobs(datasetArn=built.dataset)["datasetImportJobs"]
    assert {j["datasetImportJobArn"] for j in listed} == mine
    assert set(listed[0]) <= {
        "datasetImportJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
        "importMode",
    }
    assert len(aws.personalize.list_dataset_import_jobs()["datasetImportJobs"]) == 3
    page = aws.personalize.list_dataset_import_jobs(maxResults=2)
    assert len(page["datasetImportJobs"]) == 2 and "nextToken" in page
