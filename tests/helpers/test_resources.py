"""Create-or-reuse: a second run of the same calls finds what the first made, instead of failing."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import (
    Target,
    create_bucket,
    create_or_reuse,
    create_personalize_role,
    import_frame,
    wait_for_active,
)
from personalize_emulator import mock_aws
from personalize_emulator.demo import synthetic_interactions
from tests import builders


def build_everything(target: Target, role_arn: str) -> dict[str, str]:
    """Every kind of resource the notebooks create by name, each through create_or_reuse; their identifiers."""
    p = target.client("personalize")
    ids = {"group": create_or_reuse(p.create_dataset_group, name="g")["datasetGroupArn"]}
    wait_for_active(target, ids["group"])
    schema = builders.avro("Interactions", builders.INTERACTIONS_FIELDS)
    ids["schema"] = create_or_reuse(p.create_schema, name="s", schema=schema)["schemaArn"]
    ids["dataset"] = create_or_reuse(
        p.create_dataset, name="d", datasetGroupArn=ids["group"], datasetType="Interactions", schemaArn=ids["schema"]
    )["datasetArn"]
    wait_for_active(target, ids["dataset"])
    ids["import"] = import_frame(target, ids["dataset"], synthetic_interactions(), "bkt", role_arn, "job")[
        "datasetImportJobArn"
    ]
    ids["solution"] = create_or_reuse(
        p.create_solution, name="sol", datasetGroupArn=ids["group"], recipeArn=builders.POPULARITY
    )["solutionArn"]
    wait_for_active(target, ids["solution"])
    version = p.create_solution_version(solutionArn=ids["solution"])["solutionVersionArn"]
    wait_for_active(target, version)
    ids["campaign"] = create_or_reuse(p.create_campaign, name="c", solutionVersionArn=version)["campaignArn"]
    wait_for_active(target, ids["campaign"])
    tracker = create_or_reuse(p.create_event_tracker, name="t", datasetGroupArn=ids["group"])
    ids["tracker"], ids["trackingId"] = tracker["eventTrackerArn"], tracker["trackingId"]
    ids["filter"] = create_or_reuse(
        p.create_filter,
        name="f",
        datasetGroupArn=ids["group"],
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    )["filterArn"]
    return ids


def test_a_second_run_reuses_every_named_resource(target, managed_policies, capsys):
    create_bucket(target, "bkt")
    role_arn = create_personalize_role(target, "role")
    first = build_everything(target, role_arn)
    capsys.readouterr()
    second = build_everything(target, role_arn)
    assert second == first
    reused = capsys.readouterr().out
    assert reused.count("reusing ") == 8
    assert "reusing dataset-group/g (it already exists)" in reused
    # Unnamed things are not reused: each run trained a version.
    assert (
        len(target.client("personalize").list_solution_versions(solutionArn=first["solution"])["solutionVersions"]) == 2
    )


def test_other_errors_are_not_swallowed(target):
    with pytest.raises(ClientError, match="InvalidInputException"):
        create_or_reuse(target.client("personalize").create_dataset_group, name="not a valid name")


def test_bucket_and_role_are_reused_and_grant_personalize_what_it_needs(target, managed_policies):
    assert create_bucket(target, "data") == create_bucket(target, "data")
    policy = json.loads(target.client("s3").get_bucket_policy(Bucket="data")["Policy"])
    statement = policy["Statement"][0]
    assert statement["Principal"] == {"Service": "personalize.amazonaws.com"}
    assert set(statement["Action"]) == {"s3:GetObject", "s3:ListBucket"}
    arn = create_personalize_role(target, "r")
    assert create_personalize_role(target, "r") == arn
    iam = target.client("iam")
    attached = iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
    assert [a["PolicyName"] for a in attached] == ["AmazonS3ReadOnlyAccess"]
    trust = iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "personalize.amazonaws.com"}


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_buckets_outside_us_east_1_name_their_region(region, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    with mock_aws():
        target = Target("local", boto3.session.Session(region_name=region), None, poll=0.005)
        create_bucket(target, f"in-{region}")
        location = target.client("s3").get_bucket_location(Bucket=f"in-{region}")["LocationConstraint"]
    assert location == (None if region == "us-east-1" else region)


def test_deploy_campaign_goes_from_a_frame_to_recommendations(target, managed_policies):
    from helpers import deploy_campaign
    from personalize_emulator.demo import INTERACTIONS_SCHEMA

    made = deploy_campaign(target, "quick", synthetic_interactions(), INTERACTIONS_SCHEMA, builders.POPULARITY)
    assert (
        target.client("personalize").describe_campaign(campaignArn=made["campaign"])["campaign"]["status"] == "ACTIVE"
    )
    answer = target.client("personalize-runtime").get_recommendations(campaignArn=made["campaign"], userId="u1")
    assert [item["itemId"] for item in answer["itemList"][:2]] == ["i0", "i1"]  # the Zipf head of the demo data
