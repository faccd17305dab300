import json

import pytest
from botocore.exceptions import ClientError

from tests.builders import INTERACTIONS_FIELDS, avro, dataset, group
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone


def create(aws, name="clicks", fields=INTERACTIONS_FIELDS, record="Interactions", **kwargs):
    return aws.personalize.create_schema(name=name, schema=avro(record, fields), **kwargs)["schemaArn"]


def listed(aws):
    return [s["schemaArn"] for s in aws.personalize.list_schemas()["schemas"]]


def test_create_schema_and_describe_it(aws):
    arn = create(aws)
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:schema/clicks"
    described = aws.personalize.describe_schema(schemaArn=arn)["schema"]
    assert described["schemaArn"] == arn
    assert json.loads(described["schema"])["fields"] == INTERACTIONS_FIELDS
    assert described["creationDateTime"] <= described["lastUpdatedDateTime"]
    assert "status" not in described


def test_create_schema_for_a_domain(aws):
    arn = create(aws, domain="ECOMMERCE")
    assert aws.personalize.describe_schema(schemaArn=arn)["schema"]["domain"] == "ECOMMERCE"


def test_create_schema_twice_is_refused(aws):
    arn = create(aws)
    with pytest.raises(ClientError) as raised:
        create(aws)
    assert error_of(raised) == ("ResourceAlreadyExistsException", f"Another resource with Arn {arn} already exists.")


def test_nullable_unions_are_accepted_either_way_round(aws):
    fields = [
        *INTERACTIONS_FIELDS,
        {"name": "EVENT_VALUE", "type": ["null", "float"]},
        {"name": "DEVICE", "type": ["string", "null"], "categorical": True},
        {"name": "SECONDS_WATCHED", "type": ["null", "long"]},
    ]
    dataset_arn = dataset(aws, group(aws), fields=fields)
    schema_arn = aws.personalize.describe_dataset(datasetArn=dataset_arn)["dataset"]["schemaArn"]
    assert json.loads(aws.personalize.describe_schema(schemaArn=schema_arn)["schema"]["schema"])["fields"] == fields


BAD_SCHEMAS = [
    pytest.param(
        "{not json",
        "The schema is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1).",
        id="not-json",
    ),
    pytest.param(
        json.dumps({"type": "enum", "name": "Interactions", "symbols": ["A"]}),
        'The schema must be an Avro record: {"type": "record", "name": ..., "fields": [...]}.',
        id="not-a-record",
    ),
    pytest.param(
        avro("Interactions", [{"name": "USER_ID", "type": "string"}, {"name": "TAGS", "type": {"type": "array"}}]),
        'The field TAGS has the type {"type": "array"}; Personalize supports boolean, double, float, int, long, '
        'string, or a union of one of them with "null".',
        id="bad-type",
    ),
    pytest.param(
        avro("Items", [{"name": "ITEM_ID", "type": "string"}, {"name": "PRICE", "type": "float", "categorical": True}]),
        "The field PRICE is float; only string fields can be categorical.",
        id="categorical-float",
    ),
    pytest.param(
        avro("Interactions", [{"name": "USER_ID", "type": "string"}, {"name": "TIMESTAMP", "type": "string"}]),
        "The reserved field TIMESTAMP must be of type int or long, not string.",
        id="timestamp-string",
    ),
    pytest.param(
        avro("Interactions", [{"name": "USER_ID", "type": "string"}, {"name": "EVENT_VALUE", "type": "string"}]),
        "The reserved field EVENT_VALUE must be of type double or float, not string.",
        id="event-value-string",
    ),
    pytest.param(
        avro("Users", [{"name": "USER_ID", "type": "string"}, {"name": "user_id", "type": "string"}]),
        "The schema defines the field user_id twice.",
        id="duplicate",
    ),
    pytest.param(
        avro("Items", [{"name": "GENRES_FIELD_1", "type": "string"}, {"name": "GENRESFIELD1", "type": "string"}]),
        "The fields GENRES_FIELD_1 and GENRESFIELD1 have the same name once case and underscores are ignored; "
        "field names must be unique.",
        id="same-but-underscores",
    ),
]


@pytest.mark.parametrize(
    ("schema", "message"),
    BAD_SCHEMAS,
)
def test_create_schema_refuses_what_personalize_cannot_read(aws, schema, message):
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_schema(name="bad", schema=schema)
    assert error_of(raised) == ("InvalidInputException", message)
    assert listed(aws) == []


def test_a_schema_over_20000_characters_is_refused_by_validation(aws):
    fields = [{"name": "USER_ID", "type": "string"}]
    fields += [{"name": f"FIELD_{index:04d}", "type": ["null", "string"]} for index in range(500)]
    text = avro("Users", fields)
    assert len(text) > 20000
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_schema(name="huge", schema=text)
    assert error_of(raised) == (
        "InvalidInputException",
        f"1 validation error detected: Value '{text[:256]}...' at 'schema' failed to satisfy constraint: "
        "Member must have length less than or equal to 20000",
    )


def test_describe_schema_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:schema/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_schema(schemaArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_schemas_pages_summaries_without_the_schema_body(aws):
    arns = {create(aws, name=f"schema-{index}") for index in range(3)}
    first = aws.personalize.list_schemas(maxResults=2)
    assert len(first["schemas"]) == 2 and "nextToken" in first
    pages = aws.personalize.get_paginator("list_schemas").paginate(PaginationConfig={"PageSize": 2})
    summaries = [s for page in pages for s in page["schemas"]]
    assert {s["schemaArn"] for s in summaries} == arns
    assert all("schema" not in s for s in summaries)
    assert set(summaries[0]) <= {"name", "schemaArn", "creationDateTime", "lastUpdatedDateTime", "domain"}


def test_delete_schema_removes_it_at_once(aws):
    arn = create(aws)
    aws.personalize.delete_schema(schemaArn=arn)
    assert listed(aws) == []
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_schema(schemaArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_delete_schema_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:schema/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_schema(schemaArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_delete_schema_used_by_a_dataset_is_refused_until_the_dataset_is_gone(aws):
    dataset_arn = dataset(aws, group(aws))
    schema_arn = aws.personalize.describe_dataset(datasetArn=dataset_arn)["dataset"]["schemaArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_schema(schemaArn=schema_arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"{schema_arn} is in use by {dataset_arn}; delete those first.",
    )
    aws.personalize.delete_dataset(datasetArn=dataset_arn)
    wait_gone(lambda: any(d["datasetArn"] == dataset_arn for d in aws.personalize.list_datasets()["datasets"]))
    aws.personalize.delete_schema(schemaArn=schema_arn)
    assert schema_arn not in listed(aws)
