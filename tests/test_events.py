import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from personalize_emulator.adapters.moto_backends import personalize_backends
from tests.builders import (
    INTERACTIONS_FIELDS,
    campaign,
    dataset,
    group,
    group_with_interactions,
    planted_interactions,
    solution,
    tracker,
    version,
)
from tests.conftest import ACCOUNT, REGION, error_of

EVENT_FIELDS = [
    *INTERACTIONS_FIELDS,
    {"name": "EVENT_VALUE", "type": ["null", "float"]},
    {"name": "IMPRESSION", "type": ["null", "string"]},
    {"name": "CABIN_TYPE", "type": ["null", "string"], "categorical": True},
]
SENT_AT = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def stored(dataset_arn):
    """The records the emulator holds for a dataset (both adapters share this process's backend)."""
    return personalize_backends[ACCOUNT][REGION].resources[dataset_arn].table.frame()


def status_of(raised):
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def click(item="item-1", **members):
    return {"eventType": "click", "sentAt": SENT_AT, "itemId": item, **members}


def tracked(aws, frame=None):
    """A group with an Interactions dataset of EVENT_FIELDS and an event tracker (its trackingId in `.tracking`)."""
    built = group_with_interactions(aws, EVENT_FIELDS, frame)
    built.tracking = tracker(aws, built.group)["trackingId"]
    return built


def send(aws, tracking_id, *events, user="user-1"):
    aws.events.put_events(trackingId=tracking_id, userId=user, sessionId="session-1", eventList=list(events))


def test_put_events_are_stored_by_the_time_the_call_returns(aws):
    built = tracked(aws)
    send(aws, built.tracking, click("item-1"), click("item-2", eventValue=4.5))
    rows = stored(built.interactions)
    assert list(rows["ITEM_ID"]) == ["item-1", "item-2"]
    assert set(rows["USER_ID"]) == {"user-1"}
    assert set(rows["EVENT_TYPE"]) == {"click"}
    assert set(rows["TIMESTAMP"]) == {int(SENT_AT.timestamp())}
    assert rows["EVENT_VALUE"].iloc[1] == 4.5


def test_put_events_without_a_user_records_the_session(aws):
    built = tracked(aws)
    aws.events.put_events(trackingId=built.tracking, sessionId="anonymous-7", eventList=[click()])
    assert list(stored(built.interactions)["USER_ID"]) == ["anonymous-7"]


def test_put_events_stores_the_impression_list_pipe_joined(aws):
    built = tracked(aws)
    send(aws, built.tracking, click("item-2", impression=["item-1", "item-2", "item-3"]))
    assert list(stored(built.interactions)["IMPRESSION"]) == ["item-1|item-2|item-3"]


def test_a_recommendation_id_implies_the_impression_of_that_answer(aws):
    built = tracked(aws, planted_interactions({"first": 50, "second": 40}))
    campaign_arn = campaign(aws, version(aws, solution(aws, built.group)))
    answer = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="user-1", numResults=5)
    shown = [item["itemId"] for item in answer["itemList"]]
    send(aws, built.tracking, click(shown[1], recommendationId=answer["recommendationId"]))
    assert stored(built.interactions)["IMPRESSION"].iloc[-1] == "|".join(shown)


def test_an_explicit_impression_wins_over_the_recommendation_id(aws):
    built = tracked(aws, planted_interactions({"first": 50, "second": 40}))
    campaign_arn = campaign(aws, version(aws, solution(aws, built.group)))
    answer = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="user-1", numResults=5)
    send(aws, built.tracking, click("x", recommendationId=answer["recommendationId"], impression=["x", "y"]))
    assert stored(built.interactions)["IMPRESSION"].iloc[-1] == "x|y"


def test_camel_case_properties_fill_the_schema_fields(aws):
    built = tracked(aws)
    send(aws, built.tracking, click(properties=json.dumps({"cabinType": "Economy"})))
    assert list(stored(built.interactions)["CABIN_TYPE"]) == ["Economy"]


def test_item_id_and_event_value_inside_properties_are_understood(aws):
    # Older AWS samples send them inside properties rather than as members of the event.
    built = tracked(aws)
    event = {"eventType": "rating", "sentAt": SENT_AT, "properties": json.dumps({"itemId": "item-9", "eventValue": 3})}
    send(aws, built.tracking, event)
    rows = stored(built.interactions)
    assert (rows["ITEM_ID"].iloc[0], rows["EVENT_VALUE"].iloc[0]) == ("item-9", 3.0)


@pytest.mark.parametrize("key", ["userId", "sessionId", "eventType", "timestamp", "recommendationId", "IMPRESSION"])
def test_reserved_keys_in_properties_are_refused(aws, key):
    built = tracked(aws)
    with pytest.raises(ClientError) as raised:
        send(aws, built.tracking, click(properties=json.dumps({key: "x"})))
    assert error_of(raised) == (
        "InvalidInputException",
        f"eventList[0]: {key} cannot be a key of properties; send it as its own member.",
    )
    assert stored(built.interactions).empty


@pytest.mark.parametrize("properties", ['{"cabinType": "Economy"', '["Economy"]'])
def test_properties_that_are_not_a_json_object_are_refused(aws, properties):
    built = tracked(aws)
    with pytest.raises(ClientError) as raised:
        send(aws, built.tracking, click(properties=properties))
    assert error_of(raised) == ("InvalidInputException", "Error parsing properties json")
    assert status_of(raised) == 400


def test_put_events_with_an_unknown_tracking_id_is_refused(aws):
    with pytest.raises(ClientError) as raised:
        send(aws, "00000000-0000-0000-0000-000000000000", click())
    assert error_of(raised) == (
        "InvalidInputException",
        "The tracking ID 00000000-0000-0000-0000-000000000000 does not belong to an ACTIVE event tracker.",
    )
    assert status_of(raised) == 400


def test_put_events_into_a_group_without_interactions_is_refused(aws):
    group_arn = group(aws)
    tracking_id = tracker(aws, group_arn)["trackingId"]
    with pytest.raises(ClientError) as raised:
        send(aws, tracking_id, click())
    assert error_of(raised) == (
        "InvalidInputException",
        f"The dataset group {group_arn} has no Interactions dataset to record events in.",
    )


def test_more_than_ten_events_are_refused(aws):
    built = tracked(aws)
    with pytest.raises(ClientError) as raised:
        send(aws, built.tracking, *[click(f"item-{n}") for n in range(11)])
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    assert message.startswith("1 validation error detected: Value '[{")
    assert message.endswith(
        "' at 'eventList' failed to satisfy constraint: Member must have length less than or equal to 10"
    )
    assert stored(built.interactions).empty


def test_more_than_25_impressions_are_refused(aws):
    built = tracked(aws)
    impression = [f"i{n}" for n in range(26)]
    with pytest.raises(ClientError) as raised:
        send(aws, built.tracking, click(impression=impression))
    assert error_of(raised) == (
        "InvalidInputException",
        f"1 validation error detected: Value '{impression}' at 'eventList.1.member.impression' failed to satisfy "
        "constraint: Member must have length less than or equal to 25",
    )


def test_put_items_upserts_by_item_id(aws):
    items = dataset(aws, group(aws), "ITEMS")
    aws.events.put_items(datasetArn=items, items=[{"itemId": "a", "properties": json.dumps({"genres": "comedy"})}])
    aws.events.put_items(
        datasetArn=items,
        items=[
            {"itemId": "b", "properties": json.dumps({"genres": "drama"})},
            {"itemId": "a", "properties": json.dumps({"genres": "horror|thriller"})},
        ],
    )
    rows = stored(items).set_index("ITEM_ID")["GENRES"].to_dict()
    assert rows == {"a": "horror|thriller", "b": "drama"}


def test_put_users_upserts_by_user_id(aws):
    users = dataset(aws, group(aws), "USERS")
    aws.events.put_users(datasetArn=users, users=[{"userId": "u", "properties": json.dumps({"nationality": "FR"})}])
    aws.events.put_users(datasetArn=users, users=[{"userId": "u", "properties": json.dumps({"nationality": "JP"})}])
    assert stored(users).set_index("USER_ID")["NATIONALITY"].to_dict() == {"u": "JP"}


def test_put_items_into_a_users_dataset_is_refused(aws):
    users = dataset(aws, group(aws), "USERS")
    with pytest.raises(ClientError) as raised:
        aws.events.put_items(datasetArn=users, items=[{"itemId": "a"}])
    assert error_of(raised) == (
        "InvalidInputException",
        f"The dataset {users} has the type USERS; these records go in a dataset of type ITEMS.",
    )


def test_put_items_into_a_dataset_that_does_not_exist_is_404(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset/missing/ITEMS"
    with pytest.raises(ClientError) as raised:
        aws.events.put_items(datasetArn=arn, items=[{"itemId": "a"}])
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
    assert status_of(raised) == 404


def test_put_users_into_a_dataset_not_yet_active_is_409(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    configure(pace=visible_pace)
    schema = aws.personalize.create_schema(
        name="users",
        schema=json.dumps(
            {
                "type": "record",
                "name": "Users",
                "namespace": "com.amazonaws.personalize.schema",
                "fields": [{"name": "USER_ID", "type": "string"}],
            }
        ),
    )["schemaArn"]
    users = aws.personalize.create_dataset(
        name="users", datasetGroupArn=group_arn, datasetType="USERS", schemaArn=schema
    )["datasetArn"]
    with pytest.raises(ClientError) as raised:
        aws.events.put_users(datasetArn=users, users=[{"userId": "u"}])
    assert error_of(raised) == ("ResourceInUseException", f"The dataset {users} is CREATE PENDING, not ACTIVE.")
    assert status_of(raised) == 409


REQUIRED_EXTRAS = [
    *INTERACTIONS_FIELDS,
    {"name": "EVENT_VALUE", "type": "float"},
    {"name": "IMPRESSION", "type": "string"},
    {"name": "CABIN_TYPE", "type": "string", "categorical": True},
]


def test_an_event_lacking_what_the_schema_requires_beyond_the_event_s_own_members_is_kept(aws):
    """An event needs only eventType and sentAt (the API reference's Event). AWS's exploration sample sends events
    without `impression` into a schema whose IMPRESSION is not nullable, and AWS takes them; so are events without
    `eventValue` or a `properties` field the schema declares (kept with those fields empty)."""
    built = group_with_interactions(aws, REQUIRED_EXTRAS)
    tracking = tracker(aws, built.group)["trackingId"]
    send(aws, tracking, click("item-1"), click("item-2", eventValue=2.0, properties='{"cabinType": "economy"}'))
    rows = stored(built.interactions)
    assert list(rows["ITEM_ID"]) == ["item-1", "item-2"]
    assert rows["IMPRESSION"].isna().all() and rows["EVENT_VALUE"].isna().iloc[0] and rows["CABIN_TYPE"].iloc[1]
