"""Batch inference jobs: a solution version answers every line of JSON-lines input in S3, and the answers are
written back as AWS writes them: `<input file name>.out`, one line per input line, in order, a bad line answered
by a line of its own with `error` set.
"""

from __future__ import annotations

import json
import logging
import posixpath
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from personalize_emulator import settings
from personalize_emulator.api.control.campaigns import campaign_config_for
from personalize_emulator.api.control.common import listing, reach_s3, require_active, tags_of
from personalize_emulator.api.control.export_jobs import WRITE_ACTIONS
from personalize_emulator.api.control.import_jobs import READ_ACTIONS
from personalize_emulator.api.control.solution_versions import SolutionVersion
from personalize_emulator.api.runtime import DEFAULT_RESULTS, MAX_RESULTS
from personalize_emulator.data.s3 import S3AccessError, S3Location, parse_location, read_prefix, write_object
from personalize_emulator.errors import InvalidInputException, NotImplementedOperation, PersonalizeError
from personalize_emulator.protocol.registry import operation
from personalize_emulator.protocol.service_models import CONTROL_PLANE
from personalize_emulator.recipes.base import PERSONALIZED_RANKING, RELATED_ITEMS
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import JobFailed, start_create
from personalize_emulator.serving import answers, filtering

log = logging.getLogger("personalize_emulator")

BATCH_INFERENCE = "BATCH_INFERENCE"
# AWS's quotas on a job's input (Amazon Personalize endpoints and quotas).
MAX_INPUT_FILES = 1000
MAX_INPUT_BYTES = 1024**3
PROGRESS_EVERY = 10_000  # input lines between two progress lines in the server's log


@dataclass(eq=False)
class BatchInferenceJob(Resource):
    kind = "batch-inference-job"
    arn_member = "batchInferenceJobArn"
    name_member = "jobName"

    solution_version_arn: str = ""
    filter_arn: str | None = None
    num_results: int = DEFAULT_RESULTS
    job_input: dict[str, Any] = field(default_factory=dict)  # a kmsKeyArn is kept and described; nothing is encrypted
    job_output: dict[str, Any] = field(default_factory=dict)
    role_arn: str = ""
    config: dict[str, Any] = field(default_factory=dict)

    def details(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.solution_version_arn,
            "filterArn": self.filter_arn,
            "numResults": self.num_results,
            "jobInput": self.job_input,
            "jobOutput": self.job_output,
            "roleArn": self.role_arn,
            "batchInferenceJobConfig": self.config or None,
            "batchInferenceJobMode": BATCH_INFERENCE,
        }


def output_location(folder: S3Location, prefix: S3Location, url: str) -> S3Location:
    """Where the answers to the input object `url` go: `<output folder>/<input name>.out`. An input found below
    the input prefix's folder keeps its sub path, so two inputs of the same name do not overwrite each other."""
    key = parse_location(url).key
    above = posixpath.dirname(prefix.key)
    name = key[len(above) + 1 :] if above else key
    base = folder.key if folder.key.endswith("/") or not folder.key else folder.key + "/"
    return S3Location(folder.bucket, f"{base}{name}.out")


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
    count = DEFAULT_RESULTS if num_results is None else num_results
    if not 1 <= count <= MAX_RESULTS:
        raise InvalidInputException(f"numResults must be between 1 and {MAX_RESULTS}; got {count}.")
    config = campaign_config_for(version, batch_inference_job_config)
    if filter_arn:
        filtering.filter_for(backend, filter_arn, version.solution.dataset_group_arn)
    source, destination = job_input["s3DataSource"]["path"], job_output["s3DataDestination"]["path"]
    reach_s3(backend, role_arn, source, READ_ACTIONS)
    reach_s3(backend, role_arn, destination, WRITE_ACTIONS)
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
        )
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
        answer = _Answerer(backend, version, job)
        for url, body in objects:
            lines = [answer(line) for line in body.splitlines() if line.strip()]
            body_out = "".join(line + "\n" for line in lines).encode("utf-8")
            write_object(backend.account_id, backend.region_name, output_location(folder, prefix, url), body_out)

    start_create(backend.jobs, backend.lock, job, work)
    return {"batchInferenceJobArn": job.arn}


class _Answerer:
    """Answers input lines one by one through `serving`, exactly as a campaign of the version would."""

    def __init__(self, backend, version: SolutionVersion, job: BatchInferenceJob):
        self.backend, self.version, self.job = backend, version, job
        self.lines = 0
        self.kind = answers.recipe_type(version)
        self.exploration = job.config.get("itemExplorationConfig")
        # One stream per job, drawn in input order: a fixed seed gives the same output for the same input.
        self.rng = np.random.default_rng([settings.seed(), zlib.crc32(job.arn.encode())]) if self.exploration else None

    def __call__(self, raw: bytes) -> str:
        self.lines += 1
        if self.lines % 1000 == 0:
            self.backend.jobs.check()  # a reset stops the job between lines
        if self.lines % PROGRESS_EVERY == 0:
            log.info("%s: %d input lines answered", self.job.arn, self.lines)
        try:
            request = json.loads(raw)
        except ValueError as exc:  # not JSON, or not UTF-8
            return _line(raw.decode("utf-8", "replace"), error=f"The input line is not valid JSON: {exc}.")
        if not isinstance(request, dict):
            return _line(request, error='Each input line must be a JSON object, such as {"userId": "42"}.')
        try:
            scored = self._answer(request)
        except PersonalizeError as exc:
            return _line(request, error=exc.message)
        output = {"recommendedItems": [item for item, _ in scored]}
        if any(score is not None for _, score in scored):  # recipes without scores (Popularity-Count, SIMS) show none
            output["scores"] = [score for _, score in scored]
        return _line(request, output)

    def _answer(self, request: dict[str, Any]) -> list[tuple[str, float | None]]:
        common = {
            "context": _string_map(request, "context"),
            "filter_arn": self.job.filter_arn,
            "filter_values": _string_map(request, "filterValues"),
        }
        if self.kind == PERSONALIZED_RANKING:
            items = request.get("itemList")
            if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
                raise InvalidInputException("itemList must be a non-empty list of item ids (strings).")
            if len(items) > MAX_RESULTS:
                raise InvalidInputException(f"itemList can hold at most {MAX_RESULTS} items; got {len(items)}.")
            user = _required_id(request, "userId")
            return answers.rank(self.backend, self.version, user_id=user, input_list=items, **common)
        if self.kind == RELATED_ITEMS:
            ids = {"item_id": _required_id(request, "itemId")}
        else:
            ids = {"user_id": _required_id(request, "userId")}
        return answers.recommend(
            self.backend,
            self.version,
            num_results=self.job.num_results,
            exploration=self.exploration,
            rng=self.rng,
            **ids,
            **common,
        )


def _required_id(request: dict[str, Any], member: str) -> str:
    value = request.get(member)
    if not isinstance(value, str) or not value:
        raise InvalidInputException(
            f"{member} is required on each input line of this solution version's recipe, as a string."
        )
    return value


def _string_map(request: dict[str, Any], member: str) -> dict[str, str] | None:
    value = request.get(member)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidInputException(f"{member} must be a JSON object whose values are strings.")
    return value


def _line(request: Any, output: dict[str, Any] | None = None, error: str | None = None) -> str:
    return json.dumps({"input": request, "output": output, "error": error}, separators=(",", ":"))


@operation("DescribeBatchInferenceJob")
def describe_batch_inference_job(backend, batch_inference_job_arn):
    return {"batchInferenceJob": backend.get(batch_inference_job_arn, BatchInferenceJob).describe()}


@operation("ListBatchInferenceJobs")
def list_batch_inference_jobs(backend, solution_version_arn=None, next_token=None, max_results=None):
    jobs = backend.all(BatchInferenceJob, lambda j: solution_version_arn in (None, j.solution_version_arn))
    return listing(jobs, "batchInferenceJobs", "BatchInferenceJobSummary", next_token, max_results)
