"""Fixtures: every API test runs against both adapters, in-process (`mock_aws`) and over HTTP (`serve`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
import requests

# Loading AWS's managed policies costs a second per IAM backend; only the workflow tests need them.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
os.environ.pop("AWS_ENDPOINT_URL", None)

import personalize_emulator  # noqa: E402
from personalize_emulator import mock_aws, settings  # noqa: E402
from personalize_emulator.adapters.http_server import BackgroundServer  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def fast_lifecycles() -> Iterator[None]:
    """Lifecycles as fast as the work allows, and AWS's default quotas, in every test."""
    adjustable = {name: None for name, (_, adjustable) in settings.QUOTAS.items() if adjustable}
    personalize_emulator.configure(pace=0, quotas=adjustable)
    yield


@pytest.fixture
def held_pace() -> Iterator[None]:
    """Call it once the setup is ACTIVE: what the test starts from then on stays CREATE PENDING until its end
    (a reset stops the waiting work at once)."""
    yield lambda: personalize_emulator.configure(pace=3600)
    personalize_emulator.configure(pace=0)


@pytest.fixture
def legacy_recipes() -> Iterator[None]:
    """The legacy HRNN recipes offered, as `configure(legacy_recipes=True)` offers them to old notebooks."""
    personalize_emulator.configure(legacy_recipes=True)
    yield
    personalize_emulator.configure(legacy_recipes=False)


@pytest.fixture
def visible_pace() -> Iterator[float]:
    """A pace slow enough for a test to observe each intermediate status."""
    personalize_emulator.configure(pace=0.2)
    yield 0.2
    personalize_emulator.configure(pace=0)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with BackgroundServer() as url:
        yield url


@pytest.fixture(params=["in-process", "server"])
def aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """Clients of S3, IAM, CloudWatch and the three Personalize APIs, served by one adapter."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    if request.param == "server":
        url = request.getfixturevalue("server_url")
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        requests.post(f"{url}/moto-api/reset", timeout=10)
        yield _clients(request.param, url)
        requests.post(f"{url}/moto-api/reset", timeout=10)
    else:
        with mock_aws():
            yield _clients(request.param, None)


_CLIENTS: dict[str | None, SimpleNamespace] = {}


def _clients(adapter: str, url: str | None) -> SimpleNamespace:
    """Clients are made once per adapter: creating six botocore clients costs more than most tests."""
    if url not in _CLIENTS:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )

        def client(name: str):
            return session.client(name, endpoint_url=url)

        _CLIENTS[url] = SimpleNamespace(
            adapter=adapter,
            url=url,
            session=session,
            personalize=client("personalize"),
            runtime=client("personalize-runtime"),
            events=client("personalize-events"),
            s3=client("s3"),
            iam=client("iam"),
            cloudwatch=client("cloudwatch"),
        )
    return _CLIENTS[url]


def error_of(raised: pytest.ExceptionInfo) -> tuple[str, str]:
    """The code and message of the `ClientError` a `pytest.raises` caught."""
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


HANG = 3600.0
"""How long a wait lasts before it calls the job hung: not a speed expectation (a training on a busy machine takes
what it takes, and a wait that expects less fails for the machine's sake), only a guard against a job that never
settles."""


def wait_until(describe: Callable[[], dict[str, Any]], status: str = "ACTIVE", timeout: float = HANG) -> dict[str, Any]:
    """Poll a describe call until the resource reaches `status`; fail with what it reached instead."""
    deadline = time.monotonic() + timeout
    settled = {"ACTIVE", "CREATE FAILED", "CREATE STOPPED", "COMPLETED", "FAILED"}  # jobs that run end COMPLETED
    while True:
        resource = describe()
        if resource.get("status") == status:
            return resource
        if resource.get("status") in settled - {status}:
            pytest.fail(f"expected {status}, got {resource.get('status')}: {resource.get('failureReason')}")
        if time.monotonic() > deadline:
            pytest.fail(f"still {resource.get('status')} after {timeout} s")
        time.sleep(0.005)


def wait_gone(exists: Callable[[], bool], timeout: float = HANG) -> None:
    deadline = time.monotonic() + timeout
    while exists():
        if time.monotonic() > deadline:
            pytest.fail(f"not deleted after {timeout} s")
        time.sleep(0.005)
