"""Where a notebook's calls go, chosen in one place by the `TUTORIAL_TARGET` environment variable.

- unset or `local`: the local emulator in-process, under moto's `mock_aws()` (nothing to start, no account, no cost);
- `aws`: real Amazon Personalize, with boto3's default credential chain and region (this costs money);
- a URL such as `http://127.0.0.1:4566`: a running `python -m personalize_emulator serve`.

No credentials ever go into a notebook: real AWS uses the chain, the local targets need none that are real.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3
import requests

from .training import record_trainings

DEFAULT_REGION = "us-east-1"
# How long one resource may take to become ACTIVE before a wait gives up. On AWS, training with HPO takes about an
# hour; locally, a version takes a minute or two on a quiet 2-core machine and longer in proportion to other work
# on the cores: only a hang reaches 4 hours.
DEFAULT_WAIT_LIMIT = 4 * 3600.0
_LOCAL_MOCK: Any = None  # the mock_aws() the local target started; one per kernel, so a re-run keeps its state


@dataclass(frozen=True)
class Target:
    """A boto3 session and the few settings that differ between the local emulator and real AWS."""

    kind: str  # "local", "server" or "aws"
    session: boto3.session.Session
    endpoint_url: str | None
    poll: float  # seconds between status checks while waiting
    wait_limit: float = DEFAULT_WAIT_LIMIT  # seconds a wait for one resource lasts before it gives up

    @property
    def region(self) -> str:
        return self.session.region_name

    @property
    def is_aws(self) -> bool:
        return self.kind == "aws"

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url)

    def describe(self) -> str:
        if self.kind == "local":
            return f"local emulator, in-process under moto's mock_aws() ({self.region}); nothing leaves this machine"
        if self.kind == "server":
            return f"local emulator server at {self.endpoint_url} ({self.region})"
        return f"real Amazon Personalize in {self.region}: resources bill until the clean-up section deletes them"


def select_target(seed: int = 0, setting: str | None = None, wait_limit: float | None = None) -> Target:
    """The target named by `setting` (default: the `TUTORIAL_TARGET` environment variable).

    `seed` seeds the emulator's random choices (training, metrics split, exploration draws), so a local run
    gives the same numbers every time; a server is seeded through `POST /moto-api/seed?a=<seed>`, which seeds
    moto and the emulator (the whole server: every client of it). AWS takes no seed. `wait_limit` (seconds)
    bounds each wait for a resource.
    """
    setting = (setting if setting is not None else os.environ.get("TUTORIAL_TARGET", "")).strip() or "local"
    kind = setting.lower() if setting.lower() in ("aws", "local") else "server"
    limit = wait_limit if wait_limit is not None else DEFAULT_WAIT_LIMIT
    if kind == "aws":
        session = boto3.session.Session()
        if not session.region_name:
            raise ValueError("TUTORIAL_TARGET=aws needs a region: set AWS_DEFAULT_REGION or a profile's region.")
        return Target("aws", session, None, poll=60.0, wait_limit=limit)
    if kind == "local":
        return _start_local(seed, limit)
    if not setting.startswith(("http://", "https://")):
        raise ValueError(f"TUTORIAL_TARGET={setting!r}: expected 'local', 'aws' or the URL of an emulator server.")
    url = setting.rstrip("/")
    _seed_server(url, seed)
    # Any key pair will do for the emulator's server; a real one is never needed.
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        region_name=os.environ.get("AWS_DEFAULT_REGION", DEFAULT_REGION),
    )
    return Target("server", session, url, poll=0.25, wait_limit=limit)


def _seed_server(url: str, seed: int) -> None:
    try:
        requests.post(f"{url}/moto-api/seed", params={"a": seed}, timeout=10).raise_for_status()
    except requests.RequestException as exc:
        raise ConnectionError(
            f"No emulator server answers at {url} ({exc}). Start one with `.venv/bin/python -m personalize_emulator "
            "serve --port PORT` and set TUTORIAL_TARGET to the URL it prints (see docs/troubleshooting.md)."
        ) from None


def _start_local(seed: int, wait_limit: float) -> Target:
    global _LOCAL_MOCK
    import personalize_emulator

    personalize_emulator.configure(seed=seed)
    record_trainings()
    if _LOCAL_MOCK is None:
        _LOCAL_MOCK = personalize_emulator.mock_aws()
        _LOCAL_MOCK.start()  # moto swaps in fake credentials for as long as the mock runs
    return Target("local", boto3.session.Session(region_name=DEFAULT_REGION), None, poll=0.05, wait_limit=wait_limit)


def stop_local() -> None:
    """Stop the in-process emulator the local target started (its state is dropped)."""
    global _LOCAL_MOCK
    if _LOCAL_MOCK is not None:
        _LOCAL_MOCK.stop()
        _LOCAL_MOCK = None
