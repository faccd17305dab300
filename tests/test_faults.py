"""Faults between a job's creation and its run, and data too thin to train on: each ends in a documented state.

A job checks its role and bucket policy when it is created (refused with InvalidInputException) and again when it
runs, since either may be gone by then: a job whose S3 object, role or permission disappeared meanwhile ends
CREATE FAILED with a failureReason that says what is missing, and the dataset keeps what it had. Training needs
AWS's minimums (1,000 interactions, 25 users with 2 or more); a version below them ends CREATE FAILED saying which.
"""

from __future__ import annotations

import json

import pytest

from personalize_emulator import configure
from personalize_emulator.testing import bucket_policy, trust_policy
from tests.builders import (
    BUCKET,
    bucket_and_role,
    bucket_policy_refusal,
    dataset,
    export_records,
    group,
    solution,
    start_import,
    upload,
)
from tests.conftest import wait_until

HEADER = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
GOOD = HEADER + "u1,i1,1700000000,click\nu2,i2,1700000060,click\n"
NEW = HEADER + "u3,i3,1700000120,click\n"


def describe(aws, job):
    return aws.personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]


def held(aws, dataset_arn, role, name):
    """The dataset's bulk records as an export job writes them (ITEM_IDs, sorted)."""
    return sorted(export_records(aws, dataset_arn, role, name, "BULK")["ITEM_ID"])


@pytest.fixture
def imported(aws, visible_pace):
    """A dataset holding GOOD, built at pace 0; the test runs at the visible pace, to act between a job's creation
    and its run (a job waits one pace step in CREATE PENDING before it reads anything)."""
    configure(pace=0)
    target = dataset(aws, group(aws))
    role = bucket_and_role(aws)
    job = start_import(aws, target, upload(aws, "good.csv", GOOD), role, "good")
    wait_until(lambda: describe(aws, job))
    location = upload(aws, "new.csv", NEW)
    configure(pace=visible_pace)
    return target, role, location


def test_an_s3_object_removed_before_the_job_runs_fails_it(aws, imported):
    target, role, location = imported
    job = start_import(aws, target, location, role, "new", mode="INCREMENTAL")
    assert describe(aws, job)["status"] == "CREATE PENDING"
    aws.s3.delete_object(Bucket=BUCKET, Key="new.csv")
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"There is no object at {location}."
    configure(pace=0)
    assert held(aws, target, role, "after-object-removed") == ["i1", "i2"]


def test_a_role_deleted_before_the_job_runs_fails_it(aws, imported):
    target, role, location = imported
    job = start_import(aws, target, location, role, "new", mode="INCREMENTAL")
    assert describe(aws, job)["status"] == "CREATE PENDING"
    aws.iam.delete_role(RoleName=role.rsplit("/", 1)[-1])
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"The role {role} does not exist in IAM."
    configure(pace=0)
    aws.iam.create_role(RoleName=role.rsplit("/", 1)[-1], AssumeRolePolicyDocument=_trust())
    assert held(aws, target, role, "after-role-deleted") == ["i1", "i2"]


def test_a_bucket_policy_narrowed_before_the_job_runs_fails_it(aws, imported):
    target, role, location = imported
    job = start_import(aws, target, location, role, "new", mode="INCREMENTAL")
    aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy(BUCKET, ("s3:ListBucket", "s3:PutObject"))))
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == bucket_policy_refusal(f"s3:GetObject on arn:aws:s3:::{BUCKET}/new.csv")


def test_an_s3_object_replaced_before_the_job_runs_is_read_as_it_is_then(aws, imported):
    # The job reads the object when it runs, not when it is created: a broken replacement fails it.
    target, role, location = imported
    job = start_import(aws, target, location, role, "new", mode="INCREMENTAL")
    upload(aws, "new.csv", HEADER + "u3,i3,soon,click\n")
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"{location}, line 2, column TIMESTAMP: 'soon' is not a long."


def _trust() -> str:
    return json.dumps(trust_policy("personalize.amazonaws.com"))


def _interactions(users: int, per_user: int) -> str:
    rows = [
        f"user-{u:03d},item-{(u + k) % 50:03d},{1_700_000_000 + 60 * (u * per_user + k)},click"
        for u in range(users)
        for k in range(per_user)
    ]
    return HEADER + "\n".join(rows) + "\n"


def _trained_on(aws, body: str) -> dict:
    """A popularity version trained on `body`, once it has settled."""
    group_arn = group(aws)
    target = dataset(aws, group_arn)
    role = bucket_and_role(aws)
    job = start_import(aws, target, upload(aws, "data.csv", body), role)
    wait_until(lambda: describe(aws, job))
    arn = aws.personalize.create_solution_version(solutionArn=solution(aws, group_arn))["solutionVersionArn"]
    return wait_until(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"], "CREATE FAILED"
    )


@pytest.mark.parametrize(
    ("users", "per_user", "missing"),
    [
        pytest.param(
            20,
            2,
            ["Dataset has fewer than 1000 interactions.", "Dataset has fewer than 25 users"],
            id="both",
        ),
        pytest.param(
            1000, 1, ["Dataset has fewer than 25 users with at least 2 interactions each. It has 1000"], id="users"
        ),
        pytest.param(30, 30, ["Dataset has fewer than 1000 interactions. It has 900"], id="interactions"),
    ],
)
def test_too_little_data_to_train_fails_saying_what_is_missing(aws, users, per_user, missing):
    failed = _trained_on(aws, _interactions(users, per_user))
    assert failed["failureReason"].startswith("Create failed. ")
    for words in missing:
        assert words in failed["failureReason"]
    assert ("fewer than 1000 interactions" in failed["failureReason"]) == (users * per_user < 1000)


def test_too_little_data_to_train_says_the_counts_found(aws):
    failed = _trained_on(aws, _interactions(20, 2))
    assert failed["failureReason"] == (
        "Create failed. Dataset has fewer than 1000 interactions. "
        "Dataset has fewer than 25 users with at least 2 interactions each. "
        "It has 40 interactions and 20 users with at least 2 interactions each."
    )


def test_interactions_filtered_out_by_event_type_count_as_missing(aws):
    # AWS counts the interactions left after the solution's event type filter: 1,200 views are no clicks.
    body = _interactions(40, 30).replace(",click", ",view")
    group_arn = group(aws)
    target = dataset(aws, group_arn)
    role = bucket_and_role(aws)
    job = start_import(aws, target, upload(aws, "views.csv", body), role)
    wait_until(lambda: describe(aws, job))
    solution_arn = solution(aws, group_arn, eventType="click")
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    failed = wait_until(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"], "CREATE FAILED"
    )
    assert failed["failureReason"] == (
        "Create failed. Dataset has fewer than 1000 interactions. "
        "Dataset has fewer than 25 users with at least 2 interactions each. "
        "It has 0 interactions and 0 users with at least 2 interactions each."
    )
