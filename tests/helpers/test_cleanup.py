"""The clean-up leaves nothing behind, whatever state the resources are in, and can be run twice."""

from __future__ import annotations

import pytest

from helpers import clean_up
from tests import builders


def nothing_left(aws) -> None:
    assert aws.personalize.list_dataset_groups()["datasetGroups"] == []
    assert aws.personalize.list_schemas()["schemas"] == []
    assert aws.personalize.list_solutions()["solutions"] == []
    assert aws.personalize.list_campaigns()["campaigns"] == []
    assert aws.s3.list_buckets()["Buckets"] == []
    assert aws.iam.list_roles()["Roles"] == []


def test_everything_goes_in_dependency_order(target, aws):
    built = builders.deployed(aws)
    builders.dataset(aws, built.group, "ITEMS")
    builders.tracker(aws, built.group)
    aws.personalize.create_filter(
        name="f", datasetGroupArn=built.group, filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")'
    )
    deleted = clean_up(target, built.group, builders.BUCKET, builders.ROLE)
    kinds = [name.split("/")[0] for name in deleted]
    assert kinds == [
        "campaign", "solution", "event-tracker", "filter", "dataset", "dataset", "dataset-group", "schema", "schema",
        "s3:", "role",
    ]  # fmt: skip
    nothing_left(aws)
    assert clean_up(target, built.group, builders.BUCKET, builders.ROLE) == []


def test_resources_still_being_created_are_waited_for(target, aws, visible_pace):
    built = builders.trained_group(aws)
    solution = builders.solution(aws, built.group)
    aws.personalize.create_solution_version(solutionArn=solution)  # still training when the clean-up starts
    aws.personalize.create_dataset_group(name="fresh")  # CREATE PENDING
    fresh = aws.personalize.list_dataset_groups()["datasetGroups"]
    for group in fresh:
        clean_up(target, group["datasetGroupArn"])
    clean_up(target, None, builders.BUCKET, builders.ROLE)
    nothing_left(aws)


def test_a_schema_another_group_uses_is_left_alone(target, aws):
    first, second = builders.group(aws, "first"), builders.group(aws, "second")
    shared = aws.personalize.create_schema(
        name="shared", schema=builders.avro("Interactions", builders.INTERACTIONS_FIELDS)
    )["schemaArn"]
    for group in (first, second):
        aws.personalize.create_dataset(
            name=f"d-{group[-5:]}", datasetGroupArn=group, datasetType="INTERACTIONS", schemaArn=shared
        )
    clean_up(target, first)
    assert [s["schemaArn"] for s in aws.personalize.list_schemas()["schemas"]] == [shared]
    clean_up(target, second)
    assert aws.personalize.list_schemas()["schemas"] == []


@pytest.mark.parametrize("missing", ["bucket", "role"])
def test_a_bucket_or_role_already_gone_is_skipped(target, missing):
    assert (
        clean_up(target, None, "absent" if missing == "bucket" else None, "absent" if missing == "role" else None) == []
    )
