"""Event trackers: the `trackingId` that PutEvents names, one per dataset group."""

from __future__ import annotations

import uuid

from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.errors import ResourceAlreadyExistsException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.arns import event_tracker_arn
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.event_trackers import EventTracker
from personalize_emulator.resources.lifecycle import DELETING, start_create


@operation("CreateEventTracker")
def create_event_tracker(backend, name, dataset_group_arn, tags=None):
    group = backend.get(dataset_group_arn, DatasetGroup)
    require_active(group, "The dataset group")
    with backend.lock:
        existing = backend.all(EventTracker, lambda t: t.dataset_group_arn == group.arn and t.status not in DELETING)
        if existing:
            raise ResourceAlreadyExistsException(
                f"The dataset group {group.arn} already has the event tracker {existing[0].arn}; "
                "a group has at most one."
            )
        tracker = backend.add(
            EventTracker(
                arn=event_tracker_arn(backend.region_name, backend.account_id),
                name=name,
                dataset_group_arn=group.arn,
                tracking_id=str(uuid.uuid4()),
                account_id=backend.account_id,
                tags=tags_of(tags),
            )
        )
    # It serves PutEvents once the group's datasets, still being created, are there to take the events.
    datasets = backend.all(Dataset, lambda d: d.dataset_group_arn == group.arn)
    start_create(backend.jobs, backend.lock, tracker, after=datasets)
    return {"eventTrackerArn": tracker.arn, "trackingId": tracker.tracking_id}


@operation("DescribeEventTracker")
def describe_event_tracker(backend, event_tracker_arn):
    return {"eventTracker": backend.get(event_tracker_arn, EventTracker).describe()}


@operation("ListEventTrackers")
def list_event_trackers(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(EventTracker, lambda t: dataset_group_arn in (None, t.dataset_group_arn))
    return listing(found, "eventTrackers", "EventTrackerSummary", next_token, max_results)


@operation("DeleteEventTracker")
def delete_event_tracker(backend, event_tracker_arn):
    backend.delete(backend.get(event_tracker_arn, EventTracker))
