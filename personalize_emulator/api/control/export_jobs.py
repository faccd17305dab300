"""Dataset export jobs: a dataset written back to S3 as CSV, the bulk-imported records, the PUT ones, or all."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, reach_s3, tags_of
from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.data.s3 import write_object
from personalize_emulator.data.tables import SOURCE
from personalize_emulator.errors import JobFailed
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import require_created_or_creating
from personalize_emulator.resources.export_jobs import WRITE_ACTIONS, DatasetExportJob, export_location
from personalize_emulator.resources.lifecycle import start_create


@operation("CreateDatasetExportJob")
def create_dataset_export_job(backend, job_name, dataset_arn, role_arn, job_output, ingestion_mode=None, tags=None):
    dataset = backend.get(dataset_arn, Dataset)
    require_created_or_creating(dataset, "The dataset")
    destination = job_output["s3DataDestination"]
    reach_s3(backend, role_arn, destination["path"], WRITE_ACTIONS)
    job = backend.add(
        DatasetExportJob(
            arn=backend.arn(f"dataset-export-job/{job_name}"),
            name=job_name,
            dataset_arn=dataset.arn,
            ingestion_mode=ingestion_mode or "PUT",
            role_arn=role_arn,
            destination=destination,
            tags=tags_of(tags),
        )
    )

    def work():
        folder = reach_s3(backend, role_arn, destination["path"], WRITE_ACTIONS, JobFailed)
        frame = dataset.table.frame()
        if job.ingestion_mode != "ALL":
            frame = frame[frame[SOURCE] == job.ingestion_mode]
        body = frame[dataset.table.schema.names].to_csv(index=False).encode("utf-8")
        write_object(backend.account_id, backend.region_name, export_location(folder, job_name), body)

    start_create(backend.jobs, backend.lock, job, work, after=[dataset])
    return {"datasetExportJobArn": job.arn}


@operation("DescribeDatasetExportJob")
def describe_dataset_export_job(backend, dataset_export_job_arn):
    return {"datasetExportJob": backend.get(dataset_export_job_arn, DatasetExportJob).describe()}


@operation("ListDatasetExportJobs")
def list_dataset_export_jobs(backend, dataset_arn=None, next_token=None, max_results=None):
    jobs = backend.all(DatasetExportJob, lambda j: dataset_arn in (None, j.dataset_arn))
    return listing(jobs, "datasetExportJobs", "DatasetExportJobSummary", next_token, max_results)
