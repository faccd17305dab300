"""Batch inference jobs: a solution version answers every line of JSON-lines input in S3, and the answers are
written back as AWS writes them: `<input file name>.out`, one line per input line, in order, a bad line answered
by a line of its own with `error` set.
"""

from __future__ import annotations

from personalize_emulator.api.control.batch_jobs import answer_input_files, checked_version, new_batch_job
from personalize_emulator.api.control.campaigns import campaign_config_for
from personalize_emulator.api.control.common import listing
from personalize_emulator.errors import InvalidInputException, NotImplementedOperation
from personalize_emulator.protocol.limits import DEFAULT_RESULTS, MAX_RESULTS
from personalize_emulator.protocol.registry import operation
from personalize_emulator.protocol.service_models import CONTROL_PLANE
from personalize_emulator.recipes.base import PERSONALIZED_ACTIONS, USER_SEGMENTATION
from personalize_emulator.resources import quotas
from personalize_emulator.resources.batch_inference_jobs import BatchInferenceJob
from personalize_emulator.resources.lifecycle import start_create
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving.batch import LineAnswerer


def _refuse_recipe_type(version: SolutionVersion) -> None:
    """The guide: "You can't get batch recommendations with the Trending-Now or Next-Best-Action recipes" (batch
    inference job output examples); user segments come from batch segment jobs."""
    kind = version.solution.recipe.recipe_type
    if kind == USER_SEGMENTATION:
        raise InvalidInputException(
            f"The solution version {version.arn} makes user segments ({version.solution.recipe_name}): create a batch "
            "segment job with it, not a batch inference job."
        )
    if kind == PERSONALIZED_ACTIONS or not version.solution.recipe.batch:
        raise InvalidInputException(
            f"You can't get batch recommendations with the {version.solution.recipe_name} recipe; get them from a "
            "campaign of it."
        )


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
    version, waited = checked_version(backend, solution_version_arn, filter_arn, role_arn, job_input, job_output)
    _refuse_recipe_type(version)
    count = DEFAULT_RESULTS if num_results is None else num_results
    if not 1 <= count <= MAX_RESULTS:
        raise InvalidInputException(f"numResults must be between 1 and {MAX_RESULTS}; got {count}.")
    config = campaign_config_for(version, batch_inference_job_config)
    job = new_batch_job(
        backend,
        BatchInferenceJob,
        job_name,
        version,
        filter_arn,
        count,
        job_input,
        job_output,
        role_arn,
        tags,
        admit=quotas.pending(backend, "pending_batch_inference_jobs", BatchInferenceJob),
        config=config,
    )

    def work():
        answer_input_files(backend, job, LineAnswerer(backend, version, job), "batch inference job")

    start_create(backend.jobs, backend.lock, job, work, after=waited)
    return {"batchInferenceJobArn": job.arn}


@operation("DescribeBatchInferenceJob")
def describe_batch_inference_job(backend, batch_inference_job_arn):
    return {"batchInferenceJob": backend.get(batch_inference_job_arn, BatchInferenceJob).describe()}


@operation("ListBatchInferenceJobs")
def list_batch_inference_jobs(backend, solution_version_arn=None, next_token=None, max_results=None):
    jobs = backend.all(BatchInferenceJob, lambda j: solution_version_arn in (None, j.solution_version_arn))
    return listing(jobs, "batchInferenceJobs", "BatchInferenceJobSummary", next_token, max_results)
