"""Isolation: one account's or region's resources are invisible from another, and no name or ARN can reach a path.

The account comes from the access key, as moto decides it (`moto.iam.models.get_account_id_from`: a key moto
issued, by IAM or by STS AssumeRole, belongs to that key's account; any other key to moto's default account,
123456789012); MOTO_ACCOUNT_ID is not set here. The region comes from the endpoint or the credential scope.
"""

from __future__ import annotations

import json

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.builders import dataset, group
from tests.conftest import ACCOUNT, REGION, error_of

OTHER_ACCOUNT = "111111111111"
OTHER_REGION = "eu-west-1"
NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9\\-_]*"


def client_of(aws, service: str, region: str = REGION, credentials: dict | None = None):
    session = boto3.session.Session(
        aws_access_key_id=(credentials or {}).get("AccessKeyId", "testing"),
        aws_secret_access_key=(credentials or {}).get("SecretAccessKey", "testing"),
        aws_session_token=(credentials or {}).get("SessionToken"),
        region_name=region,
    )
    return session.client(service, endpoint_url=aws.url)


def other_account(aws) -> dict:
    """Credentials of a role in OTHER_ACCOUNT, from STS: moto files the new key under that account."""
    sts = client_of(aws, "sts")
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/elsewhere"
    return sts.assume_role(RoleArn=role, RoleSessionName="isolation")["Credentials"]


def test_the_account_is_the_access_key_s_as_moto_decides_it(aws):
    credentials = other_account(aws)
    assert client_of(aws, "sts", credentials=credentials).get_caller_identity()["Account"] == OTHER_ACCOUNT
    arn = client_of(aws, "personalize", credentials=credentials).create_dataset_group(name="movies")["datasetGroupArn"]
    assert arn == f"arn:aws:personalize:{REGION}:{OTHER_ACCOUNT}:dataset-group/movies"
    assert aws.personalize.create_dataset_group(name="movies")["datasetGroupArn"] == arn.replace(OTHER_ACCOUNT, ACCOUNT)


def test_one_account_cannot_see_or_use_another_s_resources(aws):
    group_arn = group(aws, "movies")
    interactions = dataset(aws, group_arn)
    credentials = other_account(aws)
    personalize = client_of(aws, "personalize", credentials=credentials)
    events = client_of(aws, "personalize-events", credentials=credentials)
    assert personalize.list_dataset_groups()["datasetGroups"] == []
    assert personalize.list_datasets()["datasets"] == []
    with pytest.raises(ClientError) as raised:
        personalize.describe_dataset_group(datasetGroupArn=group_arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {group_arn} does not exist.")
    with pytest.raises(ClientError) as raised:
        events.put_items(datasetArn=interactions, items=[{"itemId": "i1"}])
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {interactions} does not exist.")
    with pytest.raises(ClientError) as raised:
        personalize.delete_dataset(datasetArn=interactions)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {interactions} does not exist.")
    assert aws.personalize.describe_dataset(datasetArn=interactions)["dataset"]["status"] == "ACTIVE"


def test_one_region_cannot_see_another_s_resources(aws):
    group_arn = group(aws, "movies")
    elsewhere = client_of(aws, "personalize", OTHER_REGION)
    assert elsewhere.list_dataset_groups()["datasetGroups"] == []
    with pytest.raises(ClientError) as raised:
        elsewhere.describe_dataset_group(datasetGroupArn=group_arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {group_arn} does not exist.")
    arn = elsewhere.create_dataset_group(name="movies")["datasetGroupArn"]
    assert arn == f"arn:aws:personalize:{OTHER_REGION}:{ACCOUNT}:dataset-group/movies"
    assert [g["datasetGroupArn"] for g in aws.personalize.list_dataset_groups()["datasetGroups"]] == [group_arn]


@pytest.mark.parametrize(
    "name",
    ["../etc", "..", "a/b", "/abs", "a\\b", "a\x00b", "nul\x00", "a" * 64, "a" * 1000, "-dash", "_under", "a b", "é"],
    ids=[
        "dotdot-slash",
        "dotdot",
        "slash",
        "absolute",
        "backslash",
        "nul",
        "trailing-nul",
        "64",
        "1000",
        "dash",
        "under",
        "space",
        "accent",
    ],
)
def test_names_that_could_reach_a_file_system_are_refused(aws, name):
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset_group(name=name)
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    shown = name if len(name) <= 256 else name[:256] + "..."
    if len(name) > 63:
        assert message == (
            f"1 validation error detected: Value '{shown}' at 'name' failed to satisfy constraint: "
            "Member must have length less than or equal to 63"
        )
    else:
        assert message == (
            f"1 validation error detected: Value '{shown}' at 'name' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
        )
    assert aws.personalize.list_dataset_groups()["datasetGroups"] == []


ARN_RULE = (
    "Member must be the ARN of an Amazon Personalize resource, arn:<partition>:personalize:<region>:<account>:"
    f"<kind>/<name>, each name matching {NAME_PATTERN}"
)
PREFIX = f"arn:aws:personalize:{REGION}:{ACCOUNT}:"


@pytest.mark.parametrize(
    "arn",
    [
        PREFIX + "dataset-group/../../etc/passwd",
        PREFIX + "dataset-group/g/../h",
        PREFIX + "dataset-group/g\x00",
        PREFIX + "dataset-group/",
        PREFIX + "dataset-group//g",
        PREFIX + "dataset-group/g/",
        PREFIX + "dataset-group/.hidden",
        f"arn:aws:personalize:{REGION}:../..:dataset-group/g",
        f"arn:aws:personalize:../{REGION}:{ACCOUNT}:dataset-group/g",
        "arn:aws:personalize:::recipe/../../aws-sims",
    ],
    ids=[
        "dotdot",
        "dotdot-inside",
        "nul",
        "no-name",
        "empty-segment",
        "trailing-slash",
        "dot",
        "account",
        "region",
        "global",
    ],
)
def test_arns_that_could_reach_a_file_system_are_refused(aws, arn):
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_dataset_group(datasetGroupArn=arn)
    assert error_of(raised) == (
        "InvalidInputException",
        f"1 validation error detected: Value '{arn}' at 'datasetGroupArn' failed to satisfy constraint: {ARN_RULE}",
    )


def test_a_very_long_arn_is_refused_by_the_model_s_length(aws):
    arn = PREFIX + "dataset-group/" + "g" * 300
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_dataset_group(datasetGroupArn=arn)
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    assert message.endswith("failed to satisfy constraint: Member must have length less than or equal to 256")


def test_arns_refused_in_every_api_and_nested_member(aws):
    bad = PREFIX + "campaign/../x"
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=bad, userId="u")
    assert error_of(raised)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as raised:
        aws.events.put_users(datasetArn=PREFIX + "dataset/g/../USERS", users=[{"userId": "u"}])
    assert error_of(raised)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as raised:
        aws.personalize.tag_resource(resourceArn=bad, tags=[{"tagKey": "k", "tagValue": "v"}])
    assert "at 'resourceArn' failed to satisfy constraint: Member must be the ARN" in error_of(raised)[1]


def test_an_account_header_that_is_not_an_account_id_is_refused(server_url):
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/personalize/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64,
        "X-Amz-Target": "AmazonPersonalize.ListDatasetGroups",
        "Content-Type": "application/x-amz-json-1.1",
        "x-moto-account-id": "../../tmp",
    }
    response = requests.post(server_url, data=json.dumps({}), headers=headers, timeout=10)
    assert (response.status_code, response.json()) == (
        400,
        {
            "__type": "InvalidInputException",
            "message": "x-moto-account-id must be a 12-digit AWS account id, not '../../tmp'.",
        },
    )
