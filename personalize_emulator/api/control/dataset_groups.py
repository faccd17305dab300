"""Dataset groups: the container of datasets, solutions, event trackers and filters."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources import quotas
from personalize_emulator.resources.dataset_groups import DatasetGroup
from personalize_emulator.resources.lifecycle import start_create


@operation("CreateDatasetGroup")
def create_dataset_group(backend, name, role_arn=None, kms_key_arn=None, domain=None, tags=None):
    group = backend.add(
        DatasetGroup(
            arn=backend.arn(f"dataset-group/{name}"),
            name=name,
            role_arn=role_arn,
            kms_key_arn=kms_key_arn,
            domain=domain,
            tags=tags_of(tags),
        ),
        admit=quotas.active(backend, "active_dataset_groups", DatasetGroup, "dataset group"),
    )
    start_create(backend.jobs, backend.lock, group)
    return {"datasetGroupArn": group.arn, "domain": domain}


@operation("DescribeDatasetGroup")
def describe_dataset_group(backend, dataset_group_arn):
    return {"datasetGroup": backend.get(dataset_group_arn, DatasetGroup).describe()}


@operation("ListDatasetGroups")
def list_dataset_groups(backend, next_token=None, max_results=None):
    groups = backend.all(DatasetGroup)
    return listing(groups, "datasetGroups", "DatasetGroupSummary", next_token, max_results)


@operation("DeleteDatasetGroup")
def delete_dataset_group(backend, dataset_group_arn):
    backend.delete(backend.get(dataset_group_arn, DatasetGroup))
