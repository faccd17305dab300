"""Paging tokens as AWS hands them out: opaque, and good only for the next page of the same list."""

import base64

import pytest
from botocore.exceptions import ClientError

from tests.builders import INTERACTIONS_FIELDS, ITEMS_FIELDS, USERS_FIELDS, avro, group
from tests.conftest import error_of

INVALID = ("InvalidNextTokenException", "The token is not valid.")
FIELDS = {"INTERACTIONS": INTERACTIONS_FIELDS, "ITEMS": ITEMS_FIELDS, "USERS": USERS_FIELDS}


def schemas(aws, count: int = 3) -> None:
    for index in range(count):
        aws.personalize.create_schema(name=f"s{index}", schema=avro("Users", USERS_FIELDS))


def test_a_token_pages_on_through_the_same_list_and_shows_no_offset(aws):
    schemas(aws)
    first = aws.personalize.list_schemas(maxResults=2)
    second = aws.personalize.list_schemas(maxResults=2, nextToken=first["nextToken"])
    assert len(first["schemas"]) == 2 and len(second["schemas"]) == 1 and "nextToken" not in second
    assert b"2" not in base64.urlsafe_b64decode(first["nextToken"])[16:]


def test_a_token_of_another_operation_is_refused(aws):
    schemas(aws)
    token = aws.personalize.list_schemas(maxResults=2)["nextToken"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_dataset_groups(nextToken=token)
    assert error_of(raised) == INVALID


def test_a_token_of_the_same_operation_with_another_filter_is_refused(aws):
    first, second = group(aws, "first"), group(aws, "second")
    for kind, fields in FIELDS.items():
        schema = aws.personalize.create_schema(name=kind.lower(), schema=avro(kind.title(), fields))["schemaArn"]
        aws.personalize.create_dataset(name=kind.lower(), datasetGroupArn=first, datasetType=kind, schemaArn=schema)
    token = aws.personalize.list_datasets(datasetGroupArn=first, maxResults=2)["nextToken"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_datasets(datasetGroupArn=second, nextToken=token)
    assert error_of(raised) == INVALID


@pytest.mark.parametrize("token", ["not-a-token", "MTIz", "2"])
def test_a_token_made_by_the_client_is_refused(aws, token):
    schemas(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_schemas(nextToken=token)
    assert error_of(raised) == INVALID


def test_a_token_altered_by_the_client_is_refused(aws):
    schemas(aws)
    sealed = bytearray(base64.urlsafe_b64decode(aws.personalize.list_schemas(maxResults=2)["nextToken"]))
    sealed[-1] ^= 1
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_schemas(nextToken=base64.urlsafe_b64encode(bytes(sealed)).decode())
    assert error_of(raised) == INVALID
