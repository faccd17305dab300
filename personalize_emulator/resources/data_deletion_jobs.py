"""Data deletion jobs: users, listed in CSV files in S3, removed from a dataset group's datasets and models.

What a finished job has done (https://docs.aws.amazon.com/personalize/latest/dg/delete-records.html): the users'
records are gone from every dataset of the group, bulk-imported and put alike, so no training, filter or export
sees them; models answer them as users never seen; and items that only they had chosen, and that no Items record
names, are no longer recommended.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.data.csv_import import read_csvs
from personalize_emulator.errors import JobFailed
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.datasets import Dataset
from personalize_emulator.resources.lifecycle import JOB_RUN

# "The maximum total size of your data deletion input file or files is 100 MB." (delete-records.html)
MAX_INPUT_BYTES = 100 * 1024 * 1024
# "You can have up to 5 deletion jobs for a dataset group with a status of PENDING." (delete-records.html)
MAX_PENDING = 5
_USER_LIST = AvroSchema("Users", (Field("USER_ID", "string"),))


@dataclass(eq=False)
class DataDeletionJob(Resource):
    kind = "data-deletion-job"
    arn_member = "dataDeletionJobArn"
    name_member = "jobName"
    statuses = JOB_RUN

    status: str = JOB_RUN.pending
    dataset_group_arn: str = ""
    data_location: str = ""
    role_arn: str = ""
    num_deleted: int | None = None

    def details(self) -> dict[str, Any]:
        return {
            "datasetGroupArn": self.dataset_group_arn,
            "dataSource": {"dataLocation": self.data_location},
            "roleArn": self.role_arn,
            "numDeleted": self.num_deleted,
        }

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn,) if self.status in JOB_RUN.running else ()


def listed_users(objects: list[tuple[str, bytes]]) -> set[str]:
    """The user ids of the input files (CSV with a `USER_ID` column), or `JobFailed` saying what is wrong."""
    size = sum(len(body) for _, body in objects)
    if size > MAX_INPUT_BYTES:
        raise JobFailed(f"The input files hold {size} bytes; a data deletion job reads at most 100 MB.")
    frame = read_csvs(objects, _USER_LIST, ("USER_ID",))
    return set(frame["USER_ID"].dropna())


def erase_users(backend, group_arn: str, user_ids: set[str]) -> int:
    """Remove the users from the group's datasets and models (call under the backend's lock); the number of the
    users that the group held."""
    datasets = backend.all(Dataset, lambda d: d.dataset_group_arn == group_arn)
    found: set[str] = set()
    for dataset in datasets:
        if dataset.table.schema.field("USER_ID") is not None:
            found |= user_ids & set(dataset.table.frame()["USER_ID"].dropna())
    withheld = _items_only_they_chose(datasets, found)
    for dataset in datasets:
        dataset.table.remove("USER_ID", found)
    serving = backend.all(
        Resource, lambda r: getattr(r, "model", None) is not None and getattr(r, "dataset_group_arn", None) == group_arn
    )
    for resource in serving:
        resource.model.forget(found, withheld)  # type: ignore[attr-defined]
        backend.model_changed(resource.arn)
    return len(found)


def _items_only_they_chose(datasets: list[Dataset], user_ids: AbstractSet[str]) -> set[str]:
    """Items of the Interactions dataset that only `user_ids` interacted with and no Items record names: "this item
    will no longer appear in recommendations" (delete-records.html)."""
    interactions = next((d.table.frame() for d in datasets if d.dataset_type == "INTERACTIONS"), None)
    if interactions is None:
        return set()
    theirs = interactions["USER_ID"].isin(user_ids)
    items = set(interactions.loc[theirs, "ITEM_ID"]) - set(interactions.loc[~theirs, "ITEM_ID"])
    catalogue = next((d.table.frame() for d in datasets if d.dataset_type == "ITEMS"), None)
    return items - set(catalogue["ITEM_ID"]) if catalogue is not None else items
