"""Datasets: one per type per dataset group, each holding its records in a `Table`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.api.control.common import delete_unless_used, listing, require_active, tags_of
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.schemas import Schema
from personalize_emulator.data.avro import REQUIRED_FIELDS, AvroSchema, check_for_dataset
from personalize_emulator.data.tables import Table
from personalize_emulator.errors import InvalidInputException, ResourceAlreadyExistsException, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.arns import dataset_arn
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import ACTIVE, CREATE_IN_PROGRESS, CREATE_PENDING, DELETING, start_create
from personalize_emulator.store import sqlite

UPDATABLE_TYPES = ("ITEMS", "USERS")
CREATING = {CREATE_PENDING, CREATE_IN_PROGRESS}


@dataclass(eq=False)
class Dataset(Resource):
    kind = "dataset"
    arn_member = "datasetArn"

    dataset_group_arn: str = ""
    dataset_type: str = ""
    schema_arn: str = ""
    table: Table = field(default=None)  # type: ignore[assignment]
    latest_update: dict[str, Any] | None = None

    def details(self) -> dict[str, Any]:
        return {
            "datasetGroupArn": self.dataset_group_arn,
            "datasetType": self.dataset_type,
            "schemaArn": self.schema_arn,
            "latestDatasetUpdate": self.latest_update,
        }


def dataset_type_of(value: str) -> str:
    """Dataset types are case-insensitive on input and upper case in ARNs and answers."""
    upper = value.upper()
    if upper not in REQUIRED_FIELDS:
        raise InvalidInputException(
            f"Invalid dataset type {value}; it must be one of {', '.join(REQUIRED_FIELDS)} (case-insensitive)."
        )
    return upper


def dataset_of(backend, group_arn: str, dataset_type: str) -> Dataset | None:
    """The dataset of `dataset_type` in the group, if it exists and is not being deleted."""
    arn = dataset_arn(group_arn, dataset_type)
    found = backend.resources.get(arn)
    return found if isinstance(found, Dataset) and found.status not in DELETING else None


@operation("CreateDataset")
def create_dataset(backend, name, schema_arn, dataset_group_arn, dataset_type, tags=None):
    kind = dataset_type_of(dataset_type)
    group = backend.get(dataset_group_arn, DatasetGroup)
    schema = backend.get(schema_arn, Schema)
    check_for_dataset(schema.parsed, kind)
    arn = dataset_arn(group.arn, kind)
    with backend.lock:
        if arn in backend.resources:
            raise ResourceAlreadyExistsException.for_arn(arn)
        dataset = backend.add(
            Dataset(
                arn=arn,
                name=name,
                dataset_group_arn=group.arn,
                dataset_type=kind,
                schema_arn=schema.arn,
                table=Table(schema.parsed, kind, sqlite.sink_for(arn)),
                tags=tags_of(tags),
            )
        )
    start_create(backend.jobs, backend.lock, dataset)
    return {"datasetArn": dataset.arn}


@operation("DescribeDataset")
def describe_dataset(backend, dataset_arn):
    from personalize_emulator.api.control.event_trackers import EventTracker

    dataset = backend.get(dataset_arn, Dataset)
    out = dataset.describe()
    if dataset.dataset_type == "INTERACTIONS":
        trackers = backend.all(EventTracker, lambda t: t.dataset_group_arn == dataset.dataset_group_arn)
        out["trackingId"] = trackers[0].tracking_id if trackers else None
    return {"dataset": out}


@operation("ListDatasets")
def list_datasets(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(Dataset, lambda d: dataset_group_arn in (None, d.dataset_group_arn))
    return listing(found, "datasets", "DatasetSummary", next_token, max_results)


def check_replacement(old: AvroSchema, new: AvroSchema, dataset_type: str) -> None:
    """AWS's rules for replacing a dataset's schema: Items and Users only; every field kept as it was
    (type, nullability, attributes); new fields nullable."""
    if dataset_type not in UPDATABLE_TYPES:
        raise InvalidInputException(
            f"The schema of an {dataset_type} dataset cannot be replaced; only ITEMS and USERS datasets can take a "
            "new schema."
        )
    for kept in old.fields:
        field = new.field(kept.name)
        if field is None:
            raise InvalidInputException(
                f"The new schema must keep every field of the current one; it lacks {kept.name}."
            )
        if field != kept:
            raise InvalidInputException(
                f"The new schema changes the field {kept.name}; a replacement schema cannot change the type, "
                "nullability or attributes of an existing field."
            )
    added = [f.name for f in new.fields if old.field(f.name) is None and not f.nullable]
    if added:
        raise InvalidInputException(
            f"Fields added by a replacement schema must be nullable; {', '.join(added)} is not."
        )


@operation("UpdateDataset")
def update_dataset(backend, dataset_arn, schema_arn):
    dataset = backend.get(dataset_arn, Dataset)
    schema = backend.get(schema_arn, Schema)
    check_for_dataset(schema.parsed, dataset.dataset_type)
    with backend.lock:
        require_active(dataset, "The dataset")
        check_replacement(dataset.table.schema, schema.parsed, dataset.dataset_type)
        dataset.table.reshape(schema.parsed)
        dataset.schema_arn = schema.arn
        now = time.time()
        dataset.latest_update = {
            "schemaArn": schema.arn,
            "status": ACTIVE,
            "creationDateTime": now,
            "lastUpdatedDateTime": now,
        }
    return {"datasetArn": dataset.arn}


@operation("DeleteDataset")
def delete_dataset(backend, dataset_arn):
    from personalize_emulator.api.control.import_jobs import DatasetImportJob
    from personalize_emulator.api.control.solution_versions import SolutionVersion

    dataset = backend.get(dataset_arn, Dataset)
    # AWS refuses while an import job on the dataset, or a training run on its group, is pending or in progress.
    running = backend.all(DatasetImportJob, lambda j: j.dataset_arn == dataset.arn and j.status in CREATING)
    training = backend.all(
        SolutionVersion, lambda v: v.solution.dataset_group_arn == dataset.dataset_group_arn and v.status in CREATING
    )
    busy = running + training
    if busy:
        raise ResourceInUseException(
            f"The dataset {dataset.arn} cannot be deleted while {busy[0].arn} is {busy[0].status}."
        )
    delete_unless_used(backend, dataset, [])
