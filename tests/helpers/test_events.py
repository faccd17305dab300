"""PutEvents helpers: the event shapes AWS wants, and batches of at most 10."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from helpers import create_or_reuse, make_event, send_events
from tests import builders


def test_an_impression_includes_the_chosen_item_once():
    event = make_event("b", 1_700_000_000, impression=["a", "c", "a"])
    assert event["impression"] == ["b", "a", "c"]
    assert make_event("a", 1, impression=["x", "a"])["impression"] == ["x", "a"]


def test_limits_are_checked_before_anything_is_sent():
    with pytest.raises(ValueError, match="at most 25"):
        make_event("a", 1, impression=[f"i{n}" for n in range(25)])
    with pytest.raises(ValueError, match="at most 40"):
        make_event("a", 1, recommendation_id="r" * 41)


def test_properties_go_on_the_wire_in_camel_case():
    event = make_event("a", 1, "rating", event_value=8, properties={"CABIN_TYPE": "First Class", "seatRow": "3"})
    assert json.loads(event["properties"]) == {"cabinType": "First Class", "seatRow": "3"}
    assert event["eventValue"] == 8.0 and event["eventType"] == "rating"
    assert "impression" not in event and "recommendationId" not in event


def test_events_are_sent_ten_at_a_time():
    calls = []
    client = SimpleNamespace(put_events=lambda **request: calls.append(request))
    sent = send_events(client, "tid", "u1", "s1", [make_event(f"i{n}", n) for n in range(23)])
    assert sent == 23
    assert [len(c["eventList"]) for c in calls] == [10, 10, 3]
    assert [e["itemId"] for c in calls for e in c["eventList"]] == [f"i{n}" for n in range(23)]
    assert {(c["trackingId"], c["userId"], c["sessionId"]) for c in calls} == {("tid", "u1", "s1")}


def test_events_with_a_recommendation_id_and_impressions_are_accepted(aws):
    built = builders.deployed(aws)
    tracker = create_or_reuse(aws.personalize.create_event_tracker, name="t", datasetGroupArn=built.group)
    builders.wait_until(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"]
    )
    answer = aws.runtime.get_recommendations(campaignArn=built.campaign, userId="u1", numResults=5)
    shown = [item["itemId"] for item in answer["itemList"]]
    events = [make_event(shown[1], 1_800_000_000, recommendation_id=answer["recommendationId"], impression=shown)]
    assert send_events(aws.events, tracker["trackingId"], "u1", "s1", events) == 1
