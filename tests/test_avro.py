import json

import pytest

from personalize_emulator.data.avro import Field, check_for_dataset, parse_schema
from personalize_emulator.errors import InvalidInputException


def schema(*fields, name="Interactions"):
    return json.dumps(
        {"type": "record", "name": name, "namespace": "com.amazonaws.personalize.schema", "fields": fields}
    )


def string(name, **attributes):
    return {"name": name, "type": "string", **attributes}


def nullable(name, kind="string", **attributes):
    return {"name": name, "type": ["null", kind], **attributes}


INTERACTIONS = [string("USER_ID"), string("ITEM_ID"), {"name": "TIMESTAMP", "type": "long"}]


def refused(text_or_schema, dataset_type=None):
    with pytest.raises(InvalidInputException) as raised:
        if dataset_type is None:
            parse_schema(text_or_schema)
        else:
            check_for_dataset(text_or_schema, dataset_type)
    return raised.value.message


def test_parse_schema_reads_types_nullability_and_attributes():
    parsed = parse_schema(
        schema(
            *INTERACTIONS,
            {"name": "EVENT_VALUE", "type": ["float", "null"]},
            nullable("DEVICE", categorical=True),
            nullable("REVIEW", textual=True),
            {"name": "SHARED", "type": "boolean"},
        )
    )
    assert parsed.name == "Interactions"
    assert parsed.names == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_VALUE", "DEVICE", "REVIEW", "SHARED"]
    assert parsed.field("TIMESTAMP") == Field("TIMESTAMP", "long")
    assert parsed.field("EVENT_VALUE") == Field("EVENT_VALUE", "float", nullable=True)
    assert parsed.field("DEVICE") == Field("DEVICE", "string", nullable=True, categorical=True)
    assert parsed.field("REVIEW") == Field("REVIEW", "string", nullable=True, textual=True)
    assert parsed.field("MISSING") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "[]", 'The schema must be an Avro record: {"type": "record", "name": ..., "fields": [...]}.', id="list"
        ),
        pytest.param(
            json.dumps({"type": "record", "name": "1st", "fields": INTERACTIONS}),
            "The schema record needs a valid name, such as Interactions, Items or Users.",
            id="record-name",
        ),
        pytest.param(schema(), "The schema must list its fields.", id="no-fields"),
        pytest.param(
            schema({"type": "string"}),
            'Each schema field needs a name and a type; got {"type": "string"}.',
            id="field-without-name",
        ),
        pytest.param(
            schema(string("HAS SPACE")), "The field name 'HAS SPACE' is not a valid Avro name.", id="field-name"
        ),
        pytest.param(
            schema({"name": "PRICE", "type": ["null", "float", "string"]}),
            'The field PRICE has the type ["null", "float", "string"]; Personalize supports boolean, double, float, '
            'int, long, string, or a union of one of them with "null".',
            id="wide-union",
        ),
        pytest.param(
            schema(string("GENRE", categorical="yes")),
            "The field GENRE: categorical and textual must be true or false.",
            id="categorical-not-boolean",
        ),
        pytest.param(
            schema({"name": "PRICE", "type": "double", "textual": True}),
            "The field PRICE is double; only string fields can be textual.",
            id="textual-double",
        ),
        pytest.param(
            schema({"name": "USER_ID", "type": "long"}),
            "The reserved field USER_ID must be of type string, not long.",
            id="user-id-long",
        ),
        pytest.param(
            schema({"name": "creation_timestamp", "type": "string"}, name="Items"),
            "The reserved field creation_timestamp must be of type int or long, not string.",
            id="reserved-any-case",
        ),
    ],
)
def test_parse_schema_refuses(text, message):
    assert refused(text) == message


@pytest.mark.parametrize(
    ("dataset_type", "fields"),
    [
        ("INTERACTIONS", INTERACTIONS),
        ("ITEMS", [string("ITEM_ID"), nullable("GENRES", categorical=True), nullable("CREATION_TIMESTAMP", "long")]),
        ("USERS", [string("USER_ID"), nullable("AGE", "int")]),
        ("ACTIONS", [string("ACTION_ID"), nullable("VALUE", "long")]),
        (
            "ACTION_INTERACTIONS",
            [string("USER_ID"), string("ACTION_ID"), {"name": "TIMESTAMP", "type": "long"}, string("EVENT_TYPE")],
        ),
    ],
)
def test_check_for_dataset_accepts_each_type_with_its_required_fields(dataset_type, fields):
    check_for_dataset(parse_schema(schema(*fields)), dataset_type)


def test_check_for_dataset_names_the_missing_required_field():
    items = parse_schema(schema(string("ITEM_ID"), nullable("GENRES"), name="Items"))
    assert refused(items, "INTERACTIONS") == (
        "The schema lacks the field USER_ID, which a dataset of type INTERACTIONS requires."
    )
    assert refused(items, "USERS") == "The schema lacks the field USER_ID, which a dataset of type USERS requires."
    check_for_dataset(items, "ITEMS")


def test_check_for_dataset_refuses_a_nullable_required_field():
    parsed = parse_schema(schema(nullable("USER_ID"), nullable("AGE", "int"), name="Users"))
    assert refused(parsed, "USERS") == "The field USER_ID cannot be nullable in a dataset of type USERS."


@pytest.mark.parametrize(("dataset_type", "limit"), [("INTERACTIONS", 5), ("ITEMS", 50), ("USERS", 5)])
def test_metadata_limits_count_only_fields_that_are_not_reserved(dataset_type, limit):
    required = {"INTERACTIONS": INTERACTIONS, "ITEMS": [string("ITEM_ID")], "USERS": [string("USER_ID")]}[dataset_type]
    reserved = {
        "INTERACTIONS": [nullable("EVENT_TYPE"), nullable("EVENT_VALUE", "float"), nullable("IMPRESSION")],
        "ITEMS": [nullable("CREATION_TIMESTAMP", "long")],
        "USERS": [],
    }[dataset_type]
    extra = [nullable(f"META_{index:02d}", categorical=True) for index in range(limit + 1)]
    check_for_dataset(parse_schema(schema(*required, *reserved, *extra[:limit])), dataset_type)
    message = refused(parse_schema(schema(*required, *reserved, *extra)), dataset_type)
    assert message.startswith(
        f"A dataset of type {dataset_type} can have at most {limit} metadata fields; this schema has {limit + 1}: "
        "META_00, META_01"
    )


def test_creation_timestamp_belongs_to_items_not_interactions():
    parsed = parse_schema(schema(*INTERACTIONS, nullable("CREATION_TIMESTAMP", "long")))
    assert (
        refused(parsed, "INTERACTIONS") == "CREATION_TIMESTAMP belongs in an ITEMS schema, not an INTERACTIONS schema."
    )
