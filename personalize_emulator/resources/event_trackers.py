"""Event trackers: the `trackingId` that PutEvents names, one per dataset group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personalize_emulator.resources.base import Resource


@dataclass(eq=False)
class EventTracker(Resource):
    kind = "event-tracker"
    arn_member = "eventTrackerArn"

    dataset_group_arn: str = ""
    tracking_id: str = ""
    account_id: str = ""

    def details(self) -> dict[str, Any]:
        return {"trackingId": self.tracking_id, "datasetGroupArn": self.dataset_group_arn, "accountId": self.account_id}

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn,)


def tracker_for(backend, tracking_id: str) -> EventTracker | None:
    return next((t for t in backend.all(EventTracker) if t.tracking_id == tracking_id), None)
