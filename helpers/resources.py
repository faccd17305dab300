"""Create-or-reuse: re-running a notebook must not fail on names that already exist.

`create_or_reuse(personalize.create_dataset_group, name="x")` makes exactly the boto3 call it is given; when
Personalize answers ResourceAlreadyExistsException, it finds the resource of that name and answers as the create
call would have (its ARN, and an event tracker's trackingId). The S3 bucket and the IAM role that imports need are
created the same way.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pandas as pd
from botocore.exceptions import ClientError

from personalize_emulator.testing import bucket_policy, trust_policy

from .target import Target
from .waiting import describe, wait_for_active

S3_READ_POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
# create method -> (list method, key of the list in its answer, the parent ARN it is listed under)
LISTERS = {
    "create_dataset_group": ("list_dataset_groups", "datasetGroups", None),
    "create_schema": ("list_schemas", "schemas", None),
    "create_dataset": ("list_datasets", "datasets", "datasetGroupArn"),
    "create_dataset_import_job": ("list_dataset_import_jobs", "datasetImportJobs", "datasetArn"),
    "create_solution": ("list_solutions", "solutions", "datasetGroupArn"),
    "create_campaign": ("list_campaigns", "campaigns", "solutionArn"),
    "create_event_tracker": ("list_event_trackers", "eventTrackers", "datasetGroupArn"),
    "create_filter": ("list_filters", "Filters", "datasetGroupArn"),
}
NAME_PARAMETERS = ("name", "jobName")


def create_or_reuse(create: Any, **request: Any) -> dict[str, Any]:
    """Call `create(**request)` (a bound boto3 Personalize create method); if the name is taken, answer with the
    existing resource's identifiers instead, and say so."""
    try:
        return create(**request)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise
    personalize, method = create.__self__, create.__name__
    name = next(request[p] for p in NAME_PARAMETERS if p in request)
    arn = find_arn(personalize, method, name, request)
    print(f"reusing {arn.split(':', 5)[5]} (it already exists)")
    resource = describe(personalize, arn) if method != "create_schema" else {"schemaArn": arn}
    return {member: resource[member] for member in _output_members(personalize, method) if member in resource}


def find_arn(personalize: Any, create_method: str, name: str, request: dict[str, Any]) -> str:
    """The ARN of the resource called `name` that `create_method` would have made under the request's parent."""
    list_method, key, parent = LISTERS[create_method]
    scope = {}
    if parent == "solutionArn":  # campaigns are listed by solution; the request names a solution version
        scope = {"solutionArn": request["solutionVersionArn"].rsplit("/", 1)[0]}
    elif parent:
        scope = {parent: request[parent]}
    arn_member = _output_members(personalize, create_method)[0]
    for page in personalize.get_paginator(list_method).paginate(**scope):
        for summary in page[key]:
            if summary.get("name", summary.get("jobName")) == name:
                return summary[arn_member]
    raise LookupError(f"{name!r} exists according to {create_method}, but {list_method} does not list it")


def _output_members(personalize: Any, method: str) -> list[str]:
    """What the create call answers (its ARN first), from botocore's model of the operation."""
    operation = "".join(part.capitalize() for part in method.split("_"))
    return list(personalize.meta.service_model.operation_model(operation).output_shape.members)


def create_bucket(target: Target, bucket: str, actions: tuple[str, ...] = ("s3:GetObject", "s3:ListBucket")) -> str:
    """An S3 bucket on which Personalize may perform `actions` (by default read, for imports; add `s3:PutObject`
    for exports), with the bucket policy AWS asks for; reused if it is ours."""
    s3 = target.client("s3")
    # us-east-1 refuses a LocationConstraint naming itself; every other region needs one.
    location = (
        {} if target.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": target.region}}
    )
    try:
        s3.create_bucket(Bucket=bucket, **location)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy(bucket, actions)))
    return bucket


def create_personalize_role(target: Target, role_name: str) -> str:
    """A role Personalize can assume to read S3 (AmazonS3ReadOnlyAccess); its ARN. Reused if it exists."""
    iam = target.client("iam")
    try:
        arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust_policy()))["Role"]["Arn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        return iam.get_role(RoleName=role_name)["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=S3_READ_POLICY)
    if target.is_aws:
        time.sleep(15)  # a new role takes a few seconds to be assumable everywhere in AWS
    return arn


def upload_csv(target: Target, frame: pd.DataFrame, bucket: str, key: str) -> str:
    """Write `frame` as CSV (header row, no index) to S3; its s3:// URI."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    target.client("s3").put_object(Bucket=bucket, Key=key, Body=buffer.getvalue().encode())
    return f"s3://{bucket}/{key}"


def import_frame(
    target: Target, dataset_arn: str, frame: pd.DataFrame, bucket: str, role_arn: str, job_name: str
) -> dict[str, Any]:
    """Upload `frame` and import it into the dataset (create-or-reuse the job by name); wait until it is done."""
    uri = upload_csv(target, frame, bucket, f"{job_name}.csv")
    personalize = target.client("personalize")
    job = create_or_reuse(
        personalize.create_dataset_import_job,
        jobName=job_name,
        datasetArn=dataset_arn,
        dataSource={"dataLocation": uri},
        roleArn=role_arn,
    )
    return wait_for_active(target, job["datasetImportJobArn"], personalize=personalize)
