"""Batch segment jobs: a USER_SEGMENTATION solution version answers each line of JSON-lines input in S3 with the
users most likely to interact with its item (or items with its attributes), written back as AWS's service writes
them: `<input file name>.out`, one line per input line, in order, a bad line answered by a line with `error` set.
"""

from __future__ import annotations

from personalize_emulator.api.control.batch_jobs import answer_input_files, checked_version, new_batch_job
from personalize_emulator.api.control.common import listing
from personalize_emulator.errors import InvalidInputException, LimitExceededException
from personalize_emulator.protocol.limits import DEFAULT_RESULTS
from personalize_emulator.protocol.registry import operation
from personalize_emulator.recipes.affinity import ItemAttributeAffinity
from personalize_emulator.recipes.base import USER_SEGMENTATION
from personalize_emulator.resources.batch_segment_jobs import MAX_QUERIES, MAX_RUNNING, MAX_USERS, BatchSegmentJob
from personalize_emulator.resources.lifecycle import CREATING, start_create
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import filtering
from personalize_emulator.serving.segments import SegmentAnswerer


def _check_filter(backend, filter_arn: str, version: SolutionVersion) -> None:
    """A segment's filter chooses users; and "Interactions filters can't be used with the Item-Attribute-Affinity
    recipe" (the guide's filter expressions page)."""
    found = filtering.filter_for(backend, filter_arn, version.solution.dataset_group_arn)
    for statement in found.parsed.statements:
        if statement.target != filtering.USERS.name:
            raise InvalidInputException(
                f"The filter {filter_arn} chooses {statement.target}; a batch segment job takes a filter of users "
                "(EXCLUDE/INCLUDE UserID)."
            )
        interactions = [c for c in statement.conditions() if c.dataset.upper() == "INTERACTIONS"]
        if interactions and isinstance(version.solution.recipe, ItemAttributeAffinity):
            raise InvalidInputException(
                f"The filter {filter_arn} tests Interactions; interactions filters can't be used with the "
                "Item-Attribute-Affinity recipe."
            )


@operation("CreateBatchSegmentJob")
def create_batch_segment_job(
    backend,
    job_name,
    solution_version_arn,
    job_input,
    job_output,
    role_arn,
    filter_arn=None,
    num_results=None,
    tags=None,
):
    version, waited = checked_version(backend, solution_version_arn, filter_arn, role_arn, job_input, job_output)
    recipe = version.solution.recipe
    if recipe.recipe_type != USER_SEGMENTATION:
        raise InvalidInputException(
            f"The solution version {version.arn} was trained with {recipe.name}; a batch segment job needs a version "
            "of a USER_SEGMENTATION recipe (aws-item-affinity or aws-item-attribute-affinity)."
        )
    if filter_arn:
        _check_filter(backend, filter_arn, version)
    count = DEFAULT_RESULTS if num_results is None else num_results
    if not 1 <= count <= MAX_USERS:
        raise InvalidInputException(f"numResults must be between 1 and {MAX_USERS:,}; got {count}.")
    with backend.lock:
        running = backend.all(BatchSegmentJob, lambda j: j.status in CREATING)
        if len(running) >= MAX_RUNNING:
            raise LimitExceededException(
                f"There are already {len(running)} batch segment jobs pending or in progress, the most a region "
                "allows; wait for one to finish."
            )
        job = new_batch_job(
            backend, BatchSegmentJob, job_name, version, filter_arn, count, job_input, job_output, role_arn, tags
        )

    def work():
        answer = SegmentAnswerer(backend, version, job)
        answer_input_files(backend, job, answer, "batch segment job", MAX_QUERIES[recipe.name])

    start_create(backend.jobs, backend.lock, job, work, after=waited)
    return {"batchSegmentJobArn": job.arn}


@operation("DescribeBatchSegmentJob")
def describe_batch_segment_job(backend, batch_segment_job_arn):
    return {"batchSegmentJob": backend.get(batch_segment_job_arn, BatchSegmentJob).describe()}


@operation("ListBatchSegmentJobs")
def list_batch_segment_jobs(backend, solution_version_arn=None, next_token=None, max_results=None):
    jobs = backend.all(BatchSegmentJob, lambda j: solution_version_arn in (None, j.solution_version_arn))
    return listing(jobs, "batchSegmentJobs", "BatchSegmentJobSummary", next_token, max_results)
