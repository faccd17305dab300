"""Batch inference jobs: a solution version answers every line of JSON-lines input in S3, and the answers are
written back as AWS writes them: `<input file name>.out`, one line per input line, in order, a bad line answered
by a line of its own with `error` set.
"""

from __future__ import annotations

from personalize_emulator.api.control.campaigns import campaign_config_for
from personalize_emulator.api.control.common import listing, reach_s3, tags_of
from personalize_emulator.api.control.export_jobs import WRITE_ACTIONS
from personalize_emulator.api.control.import_jobs import READ_ACTIONS
from personalize_emulator.api.control.solution_versions import SolutionVersion
from personalize_emulator.data.s3 import S3AccessError, read_prefix, write_object
from personalize_emulator.errors import InvalidInputException, JobFailed, NotImplementedOperation
from personalize_emulator.protocol.limits import DEFAULT_RESULTS, MAX_RESULTS
from personalize_emulator.protocol.registry import operation
from personalize_emulator.protocol.service_models import CONTROL_PLANE
from personalize_emulator.resources import quotas
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.batch_inference_jobs import (
    MAX_INPUT_BYTES,
    MAX_INPUT_FILES,
    BatchInferenceJob,
    output_location,
)
from personalize_emulator.resources.lifecycle import start_create
from personalize_emulator.serving import filtering
from personalize_emulator.serving.batch import LineAnswerer


def _refuse_unimplemented(mode: str | None, theme_config: dict | None, config: dict | None) -> None:
    if mode == "THEME_GENERATION":
        raise NotImplementedOperation(
            CONTROL_PLANE, "CreateBatchInferenceJob with batchInferenceJobMode THEME_GENERATION (Content Generator)"
        )
    if theme_config:
        raise InvalidInputException("themeGenerationConfig applies only to batchInferenceJobMode THEME_GENERATION.")
    if (config or {}).get("rankingInfluence"):
        raise NotImplementedOperation(
            CONTROL_PLANE, "CreateBatchInferenceJob with batchInferenceJobConfig.rankingInfluence"
        )


@operation("CreateBatchInferenceJob")
def create_batch_inference_job(
    backend,
    job_name,
    solution_version_arn,
    job_input,
    job_output,
    role_arn,
    filter_arn=None,
    num_results=None,
    batch_inference_job_config=None,
    tags=None,
    batch_inference_job_mode=None,
    theme_generation_config=None,
):
    _refuse_unimplemented(batch_inference_job_mode, theme_generation_config, batch_inference_job_config)
    version = backend.get(solution_version_arn, SolutionVersion)
    require_active(version, "The solution version")
    if not version.solution.recipe.batch:
        raise InvalidInputException(
            f"The solution version {version.arn} uses {version.solution.recipe_name}, which gives no batch "
            "recommendations; get them from a campaign."
        )
    count = DEFAULT_RESULTS if num_results is None else num_results
    if not 1 <= count <= MAX_RESULTS:
        raise InvalidInputException(f"numResults must be between 1 and {MAX_RESULTS}; got {count}.")
    config = campaign_config_for(version, batch_inference_job_config)
    # A filter still being created is taken (AWS's guide creates the job right after the filter); the job waits.
    group_arn = version.solution.dataset_group_arn
    waited = [filtering.filter_for(backend, filter_arn, group_arn, creating=True)] if filter_arn else []
    source, destination = job_input["s3DataSource"]["path"], job_output["s3DataDestination"]["path"]
    reach_s3(backend, role_arn, source, READ_ACTIONS, invalid="Invalid S3 input path.")  # AWS's words (its guide)
    reach_s3(backend, role_arn, destination, WRITE_ACTIONS, invalid="Invalid S3 output path.")
    job = backend.add(
        BatchInferenceJob(
            arn=backend.arn(f"batch-inference-job/{job_name}"),
            name=job_name,
            solution_version_arn=version.arn,
            filter_arn=filter_arn,
            num_results=count,
            job_input=job_input,
            job_output=job_output,
            role_arn=role_arn,
            config=config,
            tags=tags_of(tags),
        ),
        admit=quotas.pending(backend, "pending_batch_inference_jobs", BatchInferenceJob),
    )

    def work():
        prefix = reach_s3(backend, role_arn, source, READ_ACTIONS, JobFailed)
        folder = reach_s3(backend, role_arn, destination, WRITE_ACTIONS, JobFailed)
        try:
            objects = read_prefix(backend.account_id, backend.region_name, prefix)
        except S3AccessError as exc:
            raise JobFailed(str(exc)) from None
        if len(objects) > MAX_INPUT_FILES:
            raise JobFailed(f"{prefix} holds {len(objects)} input files; a batch inference job reads at most 1000.")
        if sum(len(body) for _, body in objects) > MAX_INPUT_BYTES:
            raise JobFailed(f"The input under {prefix} is over 1 GB, the most a batch inference job reads.")
        answer = LineAnswerer(backend, version, job)
        for url, body in objects:
            lines = answer.answer_all([line for line in body.splitlines() if line.strip()])
            body_out = "".join(line + "\n" for line in lines).encode("utf-8")
            write_object(backend.account_id, backend.region_name, output_location(folder, prefix, url), body_out)

    start_create(backend.jobs, backend.lock, job, work, after=waited)
    return {"batchInferenceJobArn": job.arn}


@operation("DescribeBatchInferenceJob")
def describe_batch_inference_job(backend, batch_inference_job_arn):
    return {"batchInferenceJob": backend.get(batch_inference_job_arn, BatchInferenceJob).describe()}


@operation("ListBatchInferenceJobs")
def list_batch_inference_jobs(backend, solution_version_arn=None, next_token=None, max_results=None):
    jobs = backend.all(BatchInferenceJob, lambda j: solution_version_arn in (None, j.solution_version_arn))
    return listing(jobs, "batchInferenceJobs", "BatchInferenceJobSummary", next_token, max_results)
