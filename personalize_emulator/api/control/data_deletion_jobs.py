"""Data deletion jobs: create, describe, list (no update, no delete, as in AWS)."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, reach_s3, tags_of
from personalize_emulator.data.s3 import S3AccessError, read_objects, read_prefix
from personalize_emulator.errors import JobFailed, LimitExceededException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.data_deletion_jobs import (
    MAX_PENDING,
    DataDeletionJob,
    erase_users,
    listed_users,
)
from personalize_emulator.resources.dataset_groups import DatasetGroup
from personalize_emulator.resources.import_jobs import READ_ACTIONS
from personalize_emulator.resources.lifecycle import JOB_RUN, start_create


@operation("CreateDataDeletionJob")
def create_data_deletion_job(backend, job_name, dataset_group_arn, data_source, role_arn, tags=None):
    group = backend.get(dataset_group_arn, DatasetGroup)
    require_active(group, "The dataset group")
    url = data_source.get("dataLocation", "")
    reach_s3(backend, role_arn, url, READ_ACTIONS)
    with backend.lock:
        pending = backend.all(
            DataDeletionJob, lambda j: j.dataset_group_arn == group.arn and j.status == JOB_RUN.pending
        )
        if len(pending) >= MAX_PENDING:
            raise LimitExceededException(
                f"The dataset group {group.arn} has {len(pending)} data deletion jobs PENDING; "
                f"it can have at most {MAX_PENDING}."
            )
        job = backend.add(
            DataDeletionJob(
                arn=backend.arn(f"data-deletion-job/{job_name}"),
                name=job_name,
                dataset_group_arn=group.arn,
                data_location=url,
                role_arn=role_arn,
                tags=tags_of(tags),
            )
        )

    def work():
        location = reach_s3(backend, role_arn, url, READ_ACTIONS, JobFailed)
        try:
            if location.is_folder:  # every .csv file of the folder and its sub folders, nothing else
                objects = read_prefix(backend.account_id, backend.region_name, location, ".csv")
            else:
                objects = read_objects(backend.account_id, backend.region_name, location)
        except S3AccessError as exc:
            raise JobFailed(str(exc)) from None
        users = listed_users(objects)
        backend.jobs.check()

        def commit():
            job.num_deleted = erase_users(backend, group.arn, users)

        return commit

    start_create(backend.jobs, backend.lock, job, work, JOB_RUN)
    return {"dataDeletionJobArn": job.arn}


@operation("DescribeDataDeletionJob")
def describe_data_deletion_job(backend, data_deletion_job_arn):
    return {"dataDeletionJob": backend.get(data_deletion_job_arn, DataDeletionJob).describe()}


@operation("ListDataDeletionJobs")
def list_data_deletion_jobs(backend, dataset_group_arn=None, next_token=None, max_results=None):
    jobs = backend.all(DataDeletionJob, lambda j: dataset_group_arn in (None, j.dataset_group_arn))
    return listing(jobs, "dataDeletionJobs", "DataDeletionJobSummary", next_token, max_results)
