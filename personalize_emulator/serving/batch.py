"""Batch jobs: a solution version answers every line of JSON-lines input (batch inference as a campaign of it
would), and each answer is written as AWS writes it: one output line per input line, in order, a bad line answered
by a line of its own with `error` set.
"""

from __future__ import annotations

import json
import logging
import zlib
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from personalize_emulator import settings
from personalize_emulator.errors import InvalidInputException, PersonalizeError
from personalize_emulator.protocol.limits import MAX_RESULTS
from personalize_emulator.recipes.base import PERSONALIZED_RANKING, RELATED_ITEMS
from personalize_emulator.resources.batch_inference_jobs import BatchInferenceJob, BatchJob
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import answers

log = logging.getLogger("personalize_emulator")


PROGRESS_EVERY = 10_000  # input lines between two progress lines in the server's log
SCORED_TOGETHER = 256  # input lines whose users are scored in one product (256 x 100,000 items: 100 MB)


class JsonLines(ABC):
    """Answers a job's input lines one by one, in order; a line that cannot be answered gets an error line."""

    example = '{"userId": "42"}'
    """An input line, shown when a line is not a JSON object."""

    def __init__(self, backend, version: SolutionVersion, job: BatchJob):
        self.backend, self.version, self.job = backend, version, job
        self.lines = 0

    def answer_all(self, raws: list[bytes]) -> list[str]:
        """Each line's answer, in order."""
        return [self(raw) for raw in raws]

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
            return _line(request, error=f"Each input line must be a JSON object, such as {self.example}.")
        try:
            return _line(request, self.output(request))
        except PersonalizeError as exc:
            return _line(request, error=exc.message)

    @abstractmethod
    def output(self, request: dict[str, Any]) -> dict[str, Any]:
        """The `output` member answering one input line, or a `PersonalizeError` saying why there is none."""


class LineAnswerer(JsonLines):
    """Answers batch inference lines through `serving`, exactly as a campaign of the version would."""

    def __init__(self, backend, version: SolutionVersion, job: BatchInferenceJob):
        super().__init__(backend, version, job)
        self.kind = version.recipe_type
        self.exploration = job.config.get("itemExplorationConfig")
        # One stream per job, drawn in input order: a fixed seed gives the same output for the same input.
        self.rng = np.random.default_rng([settings.seed(), zlib.crc32(job.arn.encode())]) if self.exploration else None

    def answer_all(self, raws: list[bytes]) -> list[str]:
        """Each line's answer, in order; the users of a chunk of lines are scored together (one matrix product,
        on the GPU when there is one), then each line is answered as a campaign would answer it."""
        out: list[str] = []
        for first in range(0, len(raws), SCORED_TOGETHER):
            chunk = raws[first : first + SCORED_TOGETHER]
            requests = [request for request in map(self._scored, chunk) if request is not None]
            with self.version.trained.scoring_together(requests, settings.device()):
                out += [self(raw) for raw in chunk]
        return out

    def _scored(self, raw: bytes) -> tuple[str, dict[str, str] | None] | None:
        """The (user, context) a line asks a score of every item for, if it does and reads well."""
        if self.kind == RELATED_ITEMS:
            return None
        try:
            request = json.loads(raw)
            user = request.get("userId")
            context = string_map(request, "context")
        except (ValueError, AttributeError, PersonalizeError):
            return None
        return (user, context) if isinstance(user, str) and user else None

    def output(self, request: dict[str, Any]) -> dict[str, Any]:
        scored = self._answer(request)
        output: dict[str, list[Any]] = {"recommendedItems": [item for item, _ in scored]}
        if any(score is not None for _, score in scored):  # recipes without scores (Popularity-Count, SIMS) show none
            output["scores"] = [score for _, score in scored]
        return output

    def _answer(self, request: dict[str, Any]) -> list[tuple[str, float | None]]:
        common: dict[str, Any] = {
            "context": string_map(request, "context"),
            "filter_arn": self.job.filter_arn,
            "filter_values": string_map(request, "filterValues"),
        }
        if self.kind == PERSONALIZED_RANKING:
            items = request.get("itemList")
            if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
                raise InvalidInputException("itemList must be a non-empty list of item ids (strings).")
            if len(items) > MAX_RESULTS:
                raise InvalidInputException(f"itemList can hold at most {MAX_RESULTS} items; got {len(items)}.")
            user = _required_id(request, "userId")
            return answers.rank(self.backend, self.version, user_id=user, input_list=items, **common)
        ids: dict[str, Any]
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


def string_map(request: dict[str, Any], member: str) -> dict[str, str] | None:
    value = request.get(member)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidInputException(f"{member} must be a JSON object whose values are strings.")
    return value


def _line(request: Any, output: dict[str, Any] | None = None, error: str | None = None) -> str:
    return json.dumps({"input": request, "output": output, "error": error}, separators=(",", ":"))
