"""A `Target` over each adapter of the shared `aws` fixture, so the helpers are tested in-process and over HTTP."""

from __future__ import annotations

import pytest

from helpers import Target


@pytest.fixture
def target(aws) -> Target:
    return Target("local" if aws.url is None else "server", aws.session, aws.url, poll=0.005, wait_limit=60.0)


@pytest.fixture
def managed_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    # The helpers attach AmazonS3ReadOnlyAccess, as AWS's samples do; moto knows it only when it loads them.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
