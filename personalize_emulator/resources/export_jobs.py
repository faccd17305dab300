"""Dataset export jobs: a dataset written back to S3 as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personalize_emulator.data.s3 import S3Location
from personalize_emulator.resources.base import Resource

WRITE_ACTIONS = ("s3:PutObject", "s3:ListBucket")


@dataclass(eq=False)
class DatasetExportJob(Resource):
    kind = "dataset-export-job"
    arn_member = "datasetExportJobArn"
    name_member = "jobName"

    dataset_arn: str = ""
    ingestion_mode: str = "PUT"
    role_arn: str = ""
    destination: dict[str, Any] | None = None

    def details(self) -> dict[str, Any]:
        return {
            "datasetArn": self.dataset_arn,
            "ingestionMode": self.ingestion_mode,
            "roleArn": self.role_arn,
            "jobOutput": {"s3DataDestination": self.destination},
        }


def export_location(folder: S3Location, job_name: str) -> S3Location:
    """Where a job writes: `<path>/<job name>/part-00000.csv` (a folder per job, as AWS does)."""
    prefix = folder.key if folder.key.endswith("/") or not folder.key else folder.key + "/"
    return S3Location(folder.bucket, f"{prefix}{job_name}/part-00000.csv")
