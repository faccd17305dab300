"""Datasets: one per type per dataset group, each holding its records in a `Table`."""

from __future__ import annotations

import time
import uuid

from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.schemas import Schema
from personalize_emulator.data.avro import AvroSchema, check_for_dataset
from personalize_emulator.data.domains import check_dataset_type, check_for_domain
from personalize_emulator.data.tables import Table
from personalize_emulator.errors import InvalidInputException, ResourceAlreadyExistsException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.arns import dataset_arn
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.datasets import Dataset, dataset_type_of
from personalize_emulator.resources.event_trackers import EventTracker
from personalize_emulator.resources.lifecycle import ACTIVE, start_create

UPDATABLE_TYPES = ("ITEMS", "USERS")
WAIT_FOR_GROUP = "You must wait until the status of the dataset group is ACTIVE before adding a dataset to the group."


@operation("CreateDataset")
def create_dataset(backend, name, schema_arn, dataset_group_arn, dataset_type, tags=None):
    kind = dataset_type_of(dataset_type)
    group = backend.get(dataset_group_arn, DatasetGroup)
    # The API reference's words (CreateDatasetGroup): AWS refuses a dataset before its group is ACTIVE.
    require_active(group, "The dataset group", WAIT_FOR_GROUP)
    schema = backend.get(schema_arn, Schema)
    check_schema(schema, kind, group)
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
                table=Table(schema.parsed, kind, backend.sink_for(arn)),
                tags=tags_of(tags),
                # "When you create an Action interactions dataset, Amazon Personalize automatically creates an action
                # interaction event tracker for you" (the guide's action interaction tracker ID page)
                tracking_id=str(uuid.uuid4()) if kind == "ACTION_INTERACTIONS" else None,
            )
        )
    start_create(backend.jobs, backend.lock, dataset)
    return {"datasetArn": dataset.arn}


def check_schema(schema: Schema, dataset_type: str, group: DatasetGroup) -> None:
    """A dataset's schema suits its type and, in a Domain dataset group, was created for the group's domain and
    has what the domain requires of that type."""
    check_for_dataset(schema.parsed, dataset_type)
    if group.domain is not None:
        check_dataset_type(dataset_type, group.domain)
    if schema.domain != group.domain:
        raise InvalidInputException(
            f"The schema {schema.arn} is for {_domain_of(schema.domain)}; the dataset group {group.arn} is for "
            f"{_domain_of(group.domain)}. Create the schema with the domain of the dataset group."
        )
    if group.domain is not None:
        check_for_domain(schema.parsed, dataset_type, group.domain)


def _domain_of(domain: str | None) -> str:
    return f"the {domain} domain" if domain else "no domain (Custom)"


@operation("DescribeDataset")
def describe_dataset(backend, dataset_arn):

    dataset = backend.get(dataset_arn, Dataset)
    out = dataset.describe()
    if dataset.dataset_type == "INTERACTIONS":
        trackers = backend.all(EventTracker, lambda t: t.dataset_group_arn == dataset.dataset_group_arn)
        out["trackingId"] = trackers[0].tracking_id if trackers else None
    elif dataset.tracking_id:
        out["trackingId"] = dataset.tracking_id
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
    check_schema(schema, dataset.dataset_type, backend.get(dataset.dataset_group_arn, DatasetGroup))
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
    # AWS refuses while an import job on the dataset, or a training run on its group, is pending or in progress:
    # those depend on the dataset while they run.
    backend.delete(backend.get(dataset_arn, Dataset))
