import re
import uuid

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import dataset, group, tracker, waited_for
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until


def describe(aws, arn):
    return aws.personalize.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]


def test_create_event_tracker_gives_an_eight_hex_arn_and_a_uuid_tracking_id(aws):
    group_arn = group(aws)
    dataset(aws, group_arn)
    created = aws.personalize.create_event_tracker(name="clicks", datasetGroupArn=group_arn)
    assert re.fullmatch(
        rf"arn:aws:personalize:{REGION}:{ACCOUNT}:event-tracker/[0-9a-f]{{8}}", created["eventTrackerArn"]
    )
    assert str(uuid.UUID(created["trackingId"])) == created["trackingId"]
    described = wait_until(lambda: describe(aws, created["eventTrackerArn"]))
    assert described["trackingId"] == created["trackingId"]
    assert described["accountId"] == ACCOUNT


def test_a_tracker_on_a_group_whose_datasets_are_being_created_waits_for_them(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    configure(pace=visible_pace)
    interactions = dataset(aws, group_arn, wait=False)
    arn = aws.personalize.create_event_tracker(name="early", datasetGroupArn=group_arn)["eventTrackerArn"]
    waited_for(lambda: describe(aws, arn), lambda: aws.personalize.describe_dataset(datasetArn=interactions)["dataset"])


def test_a_tracker_on_a_group_still_being_created_is_refused(aws, held_pace):
    held_pace()
    group_arn = aws.personalize.create_dataset_group(name="young")["datasetGroupArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_event_tracker(name="early", datasetGroupArn=group_arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The dataset group {group_arn} is not in ACTIVE state; its status is CREATE PENDING.",
    )


def test_two_trackers_get_different_ids(aws):
    first = tracker(aws, group(aws, "first"))
    second = tracker(aws, group(aws, "second"))
    assert first["eventTrackerArn"] != second["eventTrackerArn"]
    assert first["trackingId"] != second["trackingId"]


def test_a_dataset_group_has_at_most_one_event_tracker(aws):
    group_arn = group(aws)
    existing = tracker(aws, group_arn)["eventTrackerArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_event_tracker(name="another", datasetGroupArn=group_arn)
    assert error_of(raised) == (
        "ResourceAlreadyExistsException",
        f"The dataset group {group_arn} already has the event tracker {existing}; a group has at most one.",
    )


def test_create_event_tracker_in_a_group_that_does_not_exist(aws):
    group_arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_event_tracker(name="clicks", datasetGroupArn=group_arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {group_arn} does not exist.")


def test_describe_event_tracker_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:event-tracker/0123abcd"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_event_trackers_by_dataset_group(aws):
    first_group = group(aws, "first")
    first = tracker(aws, first_group, "one")["eventTrackerArn"]
    tracker(aws, group(aws, "second"), "two")
    listed = aws.personalize.list_event_trackers(datasetGroupArn=first_group)["eventTrackers"]
    assert [t["eventTrackerArn"] for t in listed] == [first]
    assert set(listed[0]) <= {"name", "eventTrackerArn", "status", "creationDateTime", "lastUpdatedDateTime"}
    assert sorted(t["name"] for t in aws.personalize.list_event_trackers()["eventTrackers"]) == ["one", "two"]


def test_delete_event_tracker_passes_through_delete_pending_and_disappears(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    arn = tracker(aws, group_arn)["eventTrackerArn"]
    configure(pace=visible_pace)
    aws.personalize.delete_event_tracker(eventTrackerArn=arn)
    assert describe(aws, arn)["status"] == "DELETE PENDING"

    def exists():
        return any(t["eventTrackerArn"] == arn for t in aws.personalize.list_event_trackers()["eventTrackers"])

    wait_gone(exists)
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_a_deleted_tracker_makes_room_for_a_new_one(aws):
    group_arn = group(aws)
    old = tracker(aws, group_arn)["eventTrackerArn"]
    aws.personalize.delete_event_tracker(eventTrackerArn=old)
    wait_gone(lambda: bool(aws.personalize.list_event_trackers()["eventTrackers"]))
    new = tracker(aws, group_arn)["eventTrackerArn"]
    assert new != old


def test_delete_dataset_group_is_refused_while_it_has_a_tracker(aws):
    group_arn = group(aws)
    arn = tracker(aws, group_arn)["eventTrackerArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset_group(datasetGroupArn=group_arn)
    assert error_of(raised) == ("ResourceInUseException", f"{group_arn} is in use by {arn}; delete those first.")
