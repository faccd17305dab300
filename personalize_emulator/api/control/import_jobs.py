"""Dataset import jobs: CSV from S3 (one object or a folder) into a dataset, FULL or INCREMENTAL."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, reach_s3, tags_of
from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.data.avro import REQUIRED_FIELDS
from personalize_emulator.data.csv_import import read_csvs
from personalize_emulator.data.s3 import S3AccessError, read_objects
from personalize_emulator.errors import InvalidInputException, JobFailed
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources import quotas
from personalize_emulator.resources.base import require_created_or_creating
from personalize_emulator.resources.import_jobs import READ_ACTIONS, DatasetImportJob, bulk_imports
from personalize_emulator.resources.lifecycle import start_create
from personalize_emulator.resources.metric_attributions import report_import

INVALID_LOCATION = "Invalid Data location."  # AWS's words (the guide's "Common error messages")


@operation("CreateDatasetImportJob")
def create_dataset_import_job(
    backend,
    job_name,
    dataset_arn,
    data_source,
    role_arn=None,
    tags=None,
    import_mode=None,
    publish_attribution_metrics_to_s3=None,
):
    dataset = backend.get(dataset_arn, Dataset)
    require_created_or_creating(dataset, "The dataset")
    url = (data_source or {}).get("dataLocation")
    if not url:
        raise InvalidInputException("dataSource.dataLocation is required: the S3 path of a CSV file or folder.")
    mode = import_mode or "FULL"
    if mode == "INCREMENTAL" and not bulk_imports(backend, dataset):
        raise InvalidInputException(
            f"The dataset {dataset.arn} has no bulk data yet; its first dataset import job must use importMode FULL."
        )
    reach_s3(backend, role_arn, url, READ_ACTIONS, invalid=INVALID_LOCATION)
    job = backend.add(
        DatasetImportJob(
            arn=backend.arn(f"dataset-import-job/{job_name}"),
            name=job_name,
            dataset_arn=dataset.arn,
            data_location=url,
            role_arn=role_arn,
            import_mode=mode,
            publish_attribution_metrics=bool(publish_attribution_metrics_to_s3),
            tags=tags_of(tags),
        ),
        admit=quotas.pending(backend, "pending_dataset_import_jobs", DatasetImportJob),
    )

    def work():
        location = reach_s3(backend, role_arn, url, READ_ACTIONS, JobFailed)
        try:
            objects = read_objects(backend.account_id, backend.region_name, location)
        except S3AccessError as exc:
            raise JobFailed(str(exc)) from None
        table = dataset.table
        frame = read_csvs(objects, table.schema, REQUIRED_FIELDS[dataset.dataset_type])
        backend.jobs.check()

        def commit():
            (table.replace if job.import_mode == "FULL" else table.append)(frame)
            job.rows_imported = len(frame)
            if dataset.dataset_type == "INTERACTIONS":
                group = dataset.dataset_group_arn
                report_import(backend, group, frame, job.import_mode, job.creation, job.publish_attribution_metrics)

        return commit

    start_create(backend.jobs, backend.lock, job, work, after=[dataset])
    return {"datasetImportJobArn": job.arn}


@operation("DescribeDatasetImportJob")
def describe_dataset_import_job(backend, dataset_import_job_arn):
    return {"datasetImportJob": backend.get(dataset_import_job_arn, DatasetImportJob).describe()}


@operation("ListDatasetImportJobs")
def list_dataset_import_jobs(backend, dataset_arn=None, next_token=None, max_results=None):
    jobs = backend.all(DatasetImportJob, lambda j: dataset_arn in (None, j.dataset_arn))
    return listing(jobs, "datasetImportJobs", "DatasetImportJobSummary", next_token, max_results)
