"""What batch inference and batch segment jobs share: the checks when one is created, and the work it runs, which
reads JSON lines from S3 through the job's role and writes the answers to each input file as `<input name>.out`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from personalize_emulator.api.control.common import reach_s3, tags_of
from personalize_emulator.data.s3 import S3AccessError, read_prefix, write_object
from personalize_emulator.errors import JobFailed
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.batch_inference_jobs import (
    MAX_INPUT_BYTES,
    MAX_INPUT_FILES,
    BatchJob,
    output_location,
)
from personalize_emulator.resources.export_jobs import WRITE_ACTIONS
from personalize_emulator.resources.filters import Filter
from personalize_emulator.resources.import_jobs import READ_ACTIONS
from personalize_emulator.resources.lifecycle import ACTIVE
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import filtering
from personalize_emulator.serving.batch import JsonLines


def checked_version(
    backend, solution_version_arn: str, filter_arn: str | None, role_arn: str, job_input: dict, job_output: dict
) -> tuple[SolutionVersion, list[Filter]]:
    """The ACTIVE solution version a batch job reads, once its filter, input and output are found usable; and the
    filter still being created that the job must wait for (AWS's guide creates the job right after the filter)."""
    version = backend.get(solution_version_arn, SolutionVersion)
    require_active(version, "The solution version")
    group_arn = version.solution.dataset_group_arn
    waited = [filtering.filter_for(backend, filter_arn, group_arn, creating=True)] if filter_arn else []
    # "Invalid S3 input path." and "Invalid S3 output path." are AWS's words (its guide's troubleshooting).
    reach_s3(backend, role_arn, job_input["s3DataSource"]["path"], READ_ACTIONS, invalid="Invalid S3 input path.")
    reach_s3(
        backend, role_arn, job_output["s3DataDestination"]["path"], WRITE_ACTIONS, invalid="Invalid S3 output path."
    )
    return version, [f for f in waited if f.status != ACTIVE]


J = TypeVar("J", bound=BatchJob)


def new_batch_job(
    backend,
    cls: type[J],
    job_name: str,
    version: SolutionVersion,
    filter_arn: str | None,
    num_results: int,
    job_input: dict,
    job_output: dict,
    role_arn: str,
    tags: list[dict[str, str]] | None,
    admit: Callable[[], None] | None = None,
    **details: Any,
) -> J:
    """A job of `cls` made from its Create request, added to the backend (`ResourceAlreadyExistsException` if its
    name is taken, `admit`'s error if a quota refuses it)."""
    return backend.add(
        cls(
            arn=backend.arn(f"{cls.kind}/{job_name}"),
            name=job_name,
            solution_version_arn=version.arn,
            filter_arn=filter_arn,
            num_results=num_results,
            job_input=job_input,
            job_output=job_output,
            role_arn=role_arn,
            tags=tags_of(tags),
            **details,
        ),
        admit=admit,
    )


def answer_input_files(backend, job: BatchJob, answer: JsonLines, what: str, max_lines: int | None = None) -> None:
    """Answer every line of every input file, in order, to its `.out` file; `JobFailed` when the input is out of
    AWS's quotas (files, bytes, and `max_lines` a file) or out of reach."""
    prefix = reach_s3(backend, job.role_arn, job.job_input["s3DataSource"]["path"], READ_ACTIONS, JobFailed)
    folder = reach_s3(backend, job.role_arn, job.job_output["s3DataDestination"]["path"], WRITE_ACTIONS, JobFailed)
    try:
        objects = read_prefix(backend.account_id, backend.region_name, prefix)
    except S3AccessError as exc:
        raise JobFailed(str(exc)) from None
    if len(objects) > MAX_INPUT_FILES:
        raise JobFailed(f"{prefix} holds {len(objects)} input files; a {what} reads at most {MAX_INPUT_FILES}.")
    if sum(len(body) for _, body in objects) > MAX_INPUT_BYTES:
        raise JobFailed(f"The input under {prefix} is over 1 GB, the most a {what} reads.")
    inputs: list[tuple[str, list[Any]]] = [
        (url, [ln for ln in body.splitlines() if ln.strip()]) for url, body in objects
    ]
    for url, lines in inputs:
        if max_lines is not None and len(lines) > max_lines:
            raise JobFailed(
                f"{url} holds {len(lines)} queries; a {what} of this recipe takes at most {max_lines} a file."
            )
    for url, lines in inputs:
        body_out = "".join(line + "\n" for line in answer.answer_all(lines)).encode("utf-8")
        write_object(backend.account_id, backend.region_name, output_location(folder, prefix, url), body_out)
