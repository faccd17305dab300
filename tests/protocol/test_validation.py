"""Validation against the botocore shapes: what the server checks beyond botocore's client-side checks."""

import pytest

from personalize_emulator.errors import InvalidInputException, SerializationException
from personalize_emulator.protocol.service_models import CONTROL_PLANE, EVENTS, RUNTIME, service_model
from personalize_emulator.protocol.validation import validate


def shape(service: str, operation: str):
    return service_model(service).operation_model(operation).input_shape


def message(service: str, operation: str, body: dict) -> str:
    with pytest.raises(InvalidInputException) as raised:
        validate(shape(service, operation), body)
    return raised.value.message


def test_a_valid_request_passes():
    validate(shape(CONTROL_PLANE, "CreateDatasetGroup"), {"name": "movies", "domain": "ECOMMERCE"})


def test_max_length_is_checked():
    text = message(CONTROL_PLANE, "CreateDatasetGroup", {"name": "a" * 64})
    assert text == (
        f"1 validation error detected: Value '{'a' * 64}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 63"
    )


def test_pattern_must_match_the_whole_value():
    text = message(CONTROL_PLANE, "CreateDatasetGroup", {"name": "ok-prefix then spaces"})
    assert "Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*" in text


def test_enum_is_checked():
    text = message(CONTROL_PLANE, "CreateDatasetGroup", {"name": "g", "domain": "GROCERY"})
    assert text.endswith("Member must satisfy enum value set: [ECOMMERCE, VIDEO_ON_DEMAND]")


def test_missing_required_members_are_all_listed():
    text = message(CONTROL_PLANE, "CreateDataset", {"name": "d"})
    assert text.startswith("3 validation errors detected: ")
    for member in ("schemaArn", "datasetGroupArn", "datasetType"):
        assert f"Value null at '{member}' failed to satisfy constraint: Member must not be null" in text


def test_nested_list_members_are_named_by_position():
    events = [{"eventType": "click", "sentAt": 1}] * 11
    text = message(EVENTS, "PutEvents", {"trackingId": "t", "sessionId": "s", "eventList": events})
    assert "at 'eventList' failed to satisfy constraint: Member must have length less than or equal to 10" in text
    impressions = [{"eventType": "click", "sentAt": 1, "impression": [f"i{n}" for n in range(26)]}]
    text = message(EVENTS, "PutEvents", {"trackingId": "t", "sessionId": "s", "eventList": impressions})
    assert "at 'eventList.1.member.impression' failed to satisfy constraint" in text


def test_map_limits_are_checked():
    values = {f"P{n}": '"x"' for n in range(26)}
    text = message(
        RUNTIME,
        "GetRecommendations",
        {"campaignArn": "arn:aws:personalize:us-east-1:1:campaign/c", "filterValues": values},
    )
    assert "at 'filterValues' failed to satisfy constraint: Member must have length less than or equal to 25" in text


def test_integer_ranges_are_checked():
    text = message(CONTROL_PLANE, "ListDatasetGroups", {"maxResults": 101})
    assert text.endswith("Member must have value less than or equal to 100")


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"name": 5}, "Expected a string at 'name' but found int."),
        ({"name": "g", "tags": {"tagKey": "k"}}, "Expected a list at 'tags' but found dict."),
        ({"maxResults": "10"}, "Expected an integer at 'maxResults' but found str."),
    ],
)
def test_wrong_json_types_are_serialization_errors(body, expected):
    operation = "ListDatasetGroups" if "maxResults" in body else "CreateDatasetGroup"
    with pytest.raises(SerializationException) as raised:
        validate(shape(CONTROL_PLANE, operation), body)
    assert raised.value.message == expected


def test_unicode_property_patterns_are_understood():
    # Tag values use \p{L}\p{Z}\p{N}: letters of any script pass, control characters do not.
    good = {
        "resourceArn": "arn:aws:personalize:us-east-1:1:dataset-group/g",
        "tags": [{"tagKey": "é", "tagValue": "日本"}],
    }
    validate(shape(CONTROL_PLANE, "TagResource"), good)
    bad = {"resourceArn": good["resourceArn"], "tags": [{"tagKey": "k", "tagValue": "\u0007"}]}
    assert "tags.1.member.tagValue" in message(CONTROL_PLANE, "TagResource", bad)
