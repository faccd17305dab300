"""Waiting for Amazon Personalize resources: poll the describe call the ARN implies, show progress, raise with the
`failureReason` when something fails and with the last status when it takes too long."""

from __future__ import annotations

import sys
import time
from typing import Any

from botocore.exceptions import ClientError

from .target import Target
from .training import TRAINING_LOG

SETTLED_FAILED = ("CREATE FAILED", "CREATE STOPPED")
# ARN resource type -> (describe method, its ARN parameter, the key of the resource in its answer)
DESCRIBERS = {
    "dataset-group": ("describe_dataset_group", "datasetGroupArn", "datasetGroup"),
    "dataset": ("describe_dataset", "datasetArn", "dataset"),
    "dataset-import-job": ("describe_dataset_import_job", "datasetImportJobArn", "datasetImportJob"),
    "dataset-export-job": ("describe_dataset_export_job", "datasetExportJobArn", "datasetExportJob"),
    "solution": ("describe_solution", "solutionArn", "solution"),
    "solution-version": ("describe_solution_version", "solutionVersionArn", "solutionVersion"),
    "campaign": ("describe_campaign", "campaignArn", "campaign"),
    "event-tracker": ("describe_event_tracker", "eventTrackerArn", "eventTracker"),
    "filter": ("describe_filter", "filterArn", "filter"),
    "batch-inference-job": ("describe_batch_inference_job", "batchInferenceJobArn", "batchInferenceJob"),
}


class ResourceFailed(RuntimeError):
    """A resource ended CREATE FAILED (or a solution version CREATE STOPPED)."""


def resource_type(arn: str) -> str:
    """`dataset-group`, `solution-version`, ... from an ARN (a solution version is `solution/<name>/<id>`)."""
    kind, _, rest = arn.split(":", 5)[5].partition("/")
    return "solution-version" if kind == "solution" and "/" in rest else kind


def describe(personalize: Any, arn: str) -> dict[str, Any]:
    """The resource the ARN names, as its describe call returns it."""
    method, parameter, key = DESCRIBERS[resource_type(arn)]
    return getattr(personalize, method)(**{parameter: arn})[key]


def wait_for_active(target: Target, arn: str, timeout: float | None = None, personalize: Any = None) -> dict:
    """Poll until the resource (and a campaign's latest update) is ACTIVE; return its description.

    Raises TimeoutError after `timeout` seconds (default: the target's `wait_limit`, which the notebooks set from
    their parameters cell). While a solution version trains on the local target, the line shows its epochs.
    """
    personalize = personalize or target.client("personalize")
    progress = _Progress(arn)
    limit = timeout if timeout is not None else target.wait_limit
    deadline = time.monotonic() + limit
    while True:
        resource = describe(personalize, arn)
        status, reason = resource.get("status"), resource.get("failureReason")
        update = resource.get("latestCampaignUpdate") or {}
        if status == "ACTIVE" and update.get("status") not in (None, "ACTIVE"):
            status, reason = f"update {update['status']}", update.get("failureReason")
        progress.show(status)
        if status == "ACTIVE":
            progress.done()
            return resource
        if status in SETTLED_FAILED or status == f"update {SETTLED_FAILED[0]}":
            progress.done()
            raise ResourceFailed(f"{arn} ended {status}: {reason or 'no reason given'}")
        if time.monotonic() > deadline:
            progress.done()
            raise _timeout(arn, status, limit)
        time.sleep(target.poll)


def wait_for_deleted(target: Target, arn: str, timeout: float | None = None, personalize: Any = None) -> None:
    """Poll until describing the resource answers ResourceNotFoundException."""
    personalize = personalize or target.client("personalize")
    progress = _Progress(arn)
    limit = timeout if timeout is not None else target.wait_limit
    deadline = time.monotonic() + limit
    while True:
        try:
            status = describe(personalize, arn).get("status")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            progress.show("deleted")
            progress.done()
            return
        progress.show(status)
        if time.monotonic() > deadline:
            progress.done()
            raise _timeout(arn, status, limit)
        time.sleep(target.poll)


def _timeout(arn: str, status: str | None, limit: float) -> TimeoutError:
    return TimeoutError(
        f"{arn} is still {status} after the wait limit of {limit:.0f} s. On a slow or busy machine, raise "
        "WAIT_LIMIT_MINUTES in the notebook's parameters cell (or pass timeout= to the wait) and run the cell again: "
        "the resource is reused where it stands."
    )


class _Progress:
    """One status line per wait, rewritten in place in Jupyter; on a terminal, a line per change of status."""

    def __init__(self, arn: str) -> None:
        self.label = arn.split(":", 5)[5]
        self.started = time.monotonic()
        self.last: str | None = None
        self.handle = _display_handle()
        self.trains = resource_type(arn) == "solution-version"  # its epochs are shown (on the local target)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def show(self, status: str | None) -> None:
        training = TRAINING_LOG.status() if self.trains else None
        status = f"{status}, {training}" if training and status != "ACTIVE" else status
        line = f"{self.label}: {status} ({self.elapsed():.0f} s)"
        if self.handle is not None:
            self.handle.update(_Text(line))
        elif status != self.last:
            print(line, file=sys.stderr)
        self.last = status

    def done(self) -> None:
        if self.handle is not None:
            self.handle.update(_Text(f"{self.label}: {self.last} after {self.elapsed():.1f} s"))


class _Text:
    """Plain text for IPython's display machinery (text/plain only, so saved notebooks stay small)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _display_handle() -> Any:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None or not hasattr(get_ipython(), "kernel"):
        return None
    return display(_Text(""), display_id=True)
