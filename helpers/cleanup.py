"""Delete everything a notebook made, in dependency order, so that nothing is left to bill.

Campaigns, then solutions (stopping versions still training), then event trackers and filters, then datasets,
their schemas and the dataset group; then the S3 bucket and the IAM role. A resource still being created is
waited for first (AWS refuses to delete it), one already being deleted is waited out, one already gone is skipped.
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from .target import Target
from .waiting import DESCRIBERS, describe, resource_type, wait_for_deleted

BUSY = ("CREATE PENDING", "CREATE IN_PROGRESS", "CREATE STOPPING")


def clean_up(target: Target, group_arn: str | None, bucket: str | None = None, role_name: str | None = None) -> list:
    """Delete the dataset group and all it holds, then the bucket and the role; the names of what was deleted."""
    personalize = target.client("personalize")
    deleted: list[str] = []
    if group_arn and _exists(personalize, group_arn):
        for solution in _listed(personalize, "list_solutions", "solutions", datasetGroupArn=group_arn):
            arn = solution["solutionArn"]
            for campaign in _listed(personalize, "list_campaigns", "campaigns", solutionArn=arn):
                deleted += _delete(target, personalize, campaign["campaignArn"])
            _stop_training(target, personalize, arn)
            deleted += _delete(target, personalize, arn)
        for tracker in _listed(personalize, "list_event_trackers", "eventTrackers", datasetGroupArn=group_arn):
            deleted += _delete(target, personalize, tracker["eventTrackerArn"])
        for filter_ in _listed(personalize, "list_filters", "Filters", datasetGroupArn=group_arn):
            deleted += _delete(target, personalize, filter_["filterArn"])
        schemas = []
        for dataset in _listed(personalize, "list_datasets", "datasets", datasetGroupArn=group_arn):
            schemas.append(describe(personalize, dataset["datasetArn"])["schemaArn"])
            for job in _listed(
                personalize, "list_dataset_import_jobs", "datasetImportJobs", datasetArn=dataset["datasetArn"]
            ):
                _settle(target, personalize, job["datasetImportJobArn"])
            deleted += _delete(target, personalize, dataset["datasetArn"])
        deleted += _delete(target, personalize, group_arn)
        for schema_arn in schemas:
            deleted += _delete_schema(personalize, schema_arn)
    if bucket:
        deleted += delete_bucket(target, bucket)
    if role_name:
        deleted += delete_role(target, role_name)
    for name in deleted:
        print(f"deleted {name}")
    return deleted


def delete_bucket(target: Target, bucket: str) -> list[str]:
    """Empty the bucket and delete it; [] if it does not exist."""
    s3 = target.client("s3")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchBucket":
            raise
        return []
    return [f"s3://{bucket}"]


def delete_role(target: Target, role_name: str) -> list[str]:
    """Detach the role's policies and delete it; [] if it does not exist."""
    iam = target.client("iam")
    try:
        for policy in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=role_name, PolicyArn=policy["PolicyArn"])
        for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
        iam.delete_role(RoleName=role_name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        return []
    return [f"role/{role_name}"]


def _listed(personalize: Any, method: str, key: str, **scope: str) -> list[dict[str, Any]]:
    return [item for page in personalize.get_paginator(method).paginate(**scope) for item in page[key]]


def _exists(personalize: Any, arn: str) -> bool:
    try:
        describe(personalize, arn)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def _settle(target: Target, personalize: Any, arn: str) -> str | None:
    """Wait while the resource is being created; its status then, or None if it is gone."""
    while True:
        try:
            status = describe(personalize, arn).get("status")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise
        if status not in BUSY:
            return status
        time.sleep(target.poll)


def _stop_training(target: Target, personalize: Any, solution_arn: str) -> None:
    """Stop versions still training (they bill by the hour), then wait for them to settle."""
    versions = _listed(personalize, "list_solution_versions", "solutionVersions", solutionArn=solution_arn)
    for version in versions:
        if version["status"] in ("CREATE PENDING", "CREATE IN_PROGRESS"):
            try:
                personalize.stop_solution_version_creation(solutionVersionArn=version["solutionVersionArn"])
            except ClientError as error:  # it finished in the meantime
                if error.response["Error"]["Code"] not in ("ResourceInUseException", "InvalidInputException"):
                    raise
        _settle(target, personalize, version["solutionVersionArn"])


def _delete(target: Target, personalize: Any, arn: str) -> list[str]:
    """Delete one resource once it has settled, retrying while AWS still reports it in use; [] if already gone."""
    method = "delete_" + resource_type(arn).replace("-", "_")
    parameter = DESCRIBERS[resource_type(arn)][1]
    deadline = time.monotonic() + (1800 if target.is_aws else 120)
    while True:
        status = _settle(target, personalize, arn)
        if status is None:
            return []
        if status.startswith("DELETE"):
            break
        try:
            getattr(personalize, method)(**{parameter: arn})
            break
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "ResourceNotFoundException":
                return []
            if code != "ResourceInUseException" or time.monotonic() > deadline:
                raise
            time.sleep(target.poll)
    wait_for_deleted(target, arn, personalize=personalize)
    return [arn.split(":", 5)[5]]


def _delete_schema(personalize: Any, schema_arn: str) -> list[str]:
    """Schemas have no status; one still used by another group's dataset is left alone."""
    try:
        personalize.delete_schema(schemaArn=schema_arn)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ResourceNotFoundException", "ResourceInUseException"):
            return []
        raise
    return [schema_arn.split(":", 5)[5]]
