"""Datasets: one per type per dataset group, each holding its records in a `Table`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.data.avro import REQUIRED_FIELDS
from personalize_emulator.data.tables import Table
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.resources.arns import dataset_arn
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import DELETING


@dataclass(eq=False)
class Dataset(Resource):
    kind = "dataset"
    arn_member = "datasetArn"

    dataset_group_arn: str = ""
    dataset_type: str = ""
    schema_arn: str = ""
    table: Table = field(default=None)  # type: ignore[assignment]
    latest_update: dict[str, Any] | None = None
    tracking_id: str | None = None
    """The ID of the event tracker AWS makes with an Action interactions dataset, for PutActionInteractions."""

    def details(self) -> dict[str, Any]:
        return {
            "datasetGroupArn": self.dataset_group_arn,
            "datasetType": self.dataset_type,
            "schemaArn": self.schema_arn,
            "latestDatasetUpdate": self.latest_update,
        }

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn, self.schema_arn)


def dataset_type_of(value: str) -> str:
    """Dataset types are case-insensitive on input and upper case in ARNs and answers."""
    upper = value.upper()
    if upper not in REQUIRED_FIELDS:
        raise InvalidInputException(
            f"Invalid dataset type {value}; it must be one of {', '.join(REQUIRED_FIELDS)} (case-insensitive)."
        )
    return upper


def action_interactions_for(backend, tracking_id: str) -> Dataset | None:
    """The Action interactions dataset whose event tracker has the ID `tracking_id`."""
    return next((d for d in backend.all(Dataset) if d.tracking_id == tracking_id and d.status not in DELETING), None)


def dataset_of(backend, group_arn: str, dataset_type: str) -> Dataset | None:
    """The dataset of `dataset_type` in the group, if it exists and is not being deleted."""
    arn = dataset_arn(group_arn, dataset_type)
    found = backend.resources.get(arn)
    return found if isinstance(found, Dataset) and found.status not in DELETING else None
