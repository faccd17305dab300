"""What every Personalize resource shares: an ARN, a name, a status, timestamps, tags."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from personalize_emulator.errors import ResourceInUseException
from personalize_emulator.protocol.service_models import CONTROL_PLANE, service_model
from personalize_emulator.resources.lifecycle import ACTIVE, CREATE_PENDING, CREATING, CREATION, Statuses


@dataclass(eq=False)
class Resource:
    kind: ClassVar[str]
    """The ARN's resource type, e.g. `dataset-group`."""
    arn_member: ClassVar[str]
    """The member that carries the ARN on the wire, e.g. `datasetGroupArn`."""
    name_member: ClassVar[str] = "name"
    """The member that carries the name on the wire (`jobName` for jobs)."""
    has_status: ClassVar[bool] = True
    statuses: ClassVar[Statuses] = CREATION
    """The statuses its creation goes through (`start_create` moves it, a restart fails it if caught running)."""

    arn: str
    name: str
    status: str = CREATE_PENDING
    creation: float = field(default_factory=time.time)
    last_updated: float = 0.0
    failure_reason: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last_updated = self.last_updated or self.creation

    def describe(self) -> dict[str, Any]:
        """The resource as its Describe operation returns it (wire names)."""
        out: dict[str, Any] = {
            self.arn_member: self.arn,
            self.name_member: self.name,
            "creationDateTime": self.creation,
            "lastUpdatedDateTime": self.last_updated,
        }
        if self.has_status:
            out["status"] = self.status
            out["failureReason"] = self.failure_reason
        return out | self.details()

    def details(self) -> dict[str, Any]:
        """Members particular to this kind of resource."""
        return {}

    def depends_on(self) -> tuple[str, ...]:
        """The ARNs this resource needs now: none of them can be deleted while it exists (or, for work in
        progress, while it runs). The one question a delete asks, instead of each parent knowing its children."""
        return ()


@dataclass(eq=False, kw_only=True)
class PendingUpdate:
    """A change with a status of its own (`latestCampaignUpdate`, `latestRecommenderUpdate`): what is served keeps
    its old settings until the update is ACTIVE."""

    arn: str
    status: str = CREATE_PENDING
    creation: float = field(default_factory=time.time)
    last_updated: float = 0.0
    failure_reason: str | None = None

    def summary(self) -> dict[str, Any]:
        return self.settings() | {
            "status": self.status,
            "failureReason": self.failure_reason,
            "creationDateTime": self.creation,
            "lastUpdatedDateTime": self.last_updated or self.creation,
        }

    def settings(self) -> dict[str, Any]:
        """The settings it moves to, as the summary names them."""
        return {}


def require_active(resource: Resource, what: str, advice: str = "") -> None:
    """Refuse to build on a resource that is not ACTIVE, where AWS refuses to; `advice` is its guide's words."""
    if resource.status != ACTIVE:
        refusal = f"{what} {resource.arn} is not in ACTIVE state; its status is {resource.status}."
        raise ResourceInUseException(f"{refusal} {advice}" if advice else refusal)


def require_created_or_creating(resource: Resource, what: str) -> None:
    """Refuse to build on a resource that failed or is being deleted; one still being created is accepted, as AWS
    accepts it (the new work waits for it: `start_create(after=...)`)."""
    if resource.status != ACTIVE and resource.status not in CREATING:
        require_active(resource, what)


def project(description: dict[str, Any], shape_name: str) -> dict[str, Any]:
    """Keep the members that the model's shape `shape_name` has: a summary is the description, projected."""
    members = service_model(CONTROL_PLANE).shape_for(shape_name).members
    return {key: value for key, value in description.items() if key in members}
