"""Dataset import jobs: CSV from S3 (one object or a folder) into a dataset, FULL or INCREMENTAL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.datasets import Dataset
from personalize_emulator.resources.lifecycle import CREATE_FAILED, CREATING

READ_ACTIONS = ("s3:GetObject", "s3:ListBucket")


@dataclass(eq=False)
class DatasetImportJob(Resource):
    kind = "dataset-import-job"
    arn_member = "datasetImportJobArn"
    name_member = "jobName"

    dataset_arn: str = ""
    data_location: str = ""
    role_arn: str | None = None
    import_mode: str = "FULL"
    publish_attribution_metrics: bool = False
    rows_imported: int = 0

    def details(self) -> dict[str, Any]:
        return {
            "datasetArn": self.dataset_arn,
            "dataSource": {"dataLocation": self.data_location},
            "roleArn": self.role_arn,
            "importMode": self.import_mode,
            "publishAttributionMetricsToS3": self.publish_attribution_metrics,
        }

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_arn,) if self.status in CREATING else ()


def bulk_imports(backend, dataset: Dataset) -> list[DatasetImportJob]:
    """The import jobs that gave (or are giving) this dataset bulk data; a dataset re-created under the same ARN
    does not inherit those of its predecessor."""
    return backend.all(
        DatasetImportJob,
        lambda j: j.dataset_arn == dataset.arn and j.creation >= dataset.creation and j.status != CREATE_FAILED,
    )
