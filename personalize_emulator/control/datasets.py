"""Datasets: one per type per dataset group, each holding its records in a `Table`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..avro import REQUIRED_FIELDS, check_for_dataset
from ..arns import dataset_arn
from ..errors import InvalidInputException, ResourceAlreadyExistsException
from ..lifecycle import ACTIVE, DELETING, IN_FLIGHT, start_create
from ..operations import operation
from ..resources import Resource
from ..tables import Table
from .common import delete_unless_used, listing, tags_of
from .dataset_groups import DatasetGroup
from .schemas import Schema


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
            raise ResourceAlreadyExistsException(f"A {kind} dataset already exists in the dataset group {group.arn}.")
        dataset = backend.add(
            Dataset(
                arn=arn,
                name=name,
                dataset_group_arn=group.arn,
                dataset_type=kind,
                schema_arn=schema.arn,
                table=Table(schema.parsed, kind),
                tags=tags_of(tags),
            )
        )
    start_create(backend.jobs, backend.lock, dataset)
    return {"datasetArn": dataset.arn}


@operation("DescribeDataset")
def describe_dataset(backend, dataset_arn):
    from .event_trackers import EventTracker

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


@operation("UpdateDataset")
def update_dataset(backend, dataset_arn, schema_arn):
    dataset = backend.get(dataset_arn, Dataset)
    schema = backend.get(schema_arn, Schema)
    check_for_dataset(schema.parsed, dataset.dataset_type)
    with backend.lock:
        if dataset.status != ACTIVE:
            raise InvalidInputException(f"The dataset {dataset.arn} is {dataset.status}; only an ACTIVE dataset can be updated.")
        dataset.table.reshape(schema.parsed)
        dataset.schema_arn = schema.arn
        now = time.time()
        dataset.latest_update = {
            "schemaArn": schema.arn, "status": ACTIVE, "creationDateTime": now, "lastUpdatedDateTime": now,
        }
    return {"datasetArn": dataset.arn}


@operation("DeleteDataset")
def delete_dataset(backend, dataset_arn):
    from .import_jobs import DatasetImportJob

    dataset = backend.get(dataset_arn, Dataset)
    running = backend.all(DatasetImportJob, lambda j: j.dataset_arn == dataset.arn and j.status in IN_FLIGHT)
    delete_unless_used(backend, dataset, running)
