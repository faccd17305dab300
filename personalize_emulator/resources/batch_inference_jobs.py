"""Batch inference jobs: a solution version answering every line of JSON-lines input in S3 (and what batch segment
jobs share with them)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.data.s3 import S3Location, parse_location
from personalize_emulator.protocol.limits import DEFAULT_RESULTS
from personalize_emulator.resources.base import Resource

BATCH_INFERENCE = "BATCH_INFERENCE"


# AWS's quotas on a job's input (Amazon Personalize endpoints and quotas).
MAX_INPUT_FILES = 1000


MAX_INPUT_BYTES = 1024**3


@dataclass(eq=False)
class BatchJob(Resource):
    """What batch inference and batch segment jobs share: a solution version answering JSON lines in S3."""

    name_member = "jobName"

    solution_version_arn: str = ""
    filter_arn: str | None = None
    num_results: int = DEFAULT_RESULTS
    job_input: dict[str, Any] = field(default_factory=dict)  # a kmsKeyArn is kept and described; nothing is encrypted
    job_output: dict[str, Any] = field(default_factory=dict)
    role_arn: str = ""

    def details(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.solution_version_arn,
            "filterArn": self.filter_arn,
            "numResults": self.num_results,
            "jobInput": self.job_input,
            "jobOutput": self.job_output,
            "roleArn": self.role_arn,
        }


@dataclass(eq=False)
class BatchInferenceJob(BatchJob):
    kind = "batch-inference-job"
    arn_member = "batchInferenceJobArn"

    config: dict[str, Any] = field(default_factory=dict)

    def details(self) -> dict[str, Any]:
        return super().details() | {
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
