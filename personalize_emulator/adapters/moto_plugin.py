"""Wiring into moto, which has no plug-in API: its conventions are what we rely on, and we check them.

moto finds a service's backends as `moto.<service>.<service>_backends` and its URLs in the ordered list
`moto.backend_index.backend_url_patterns`; its server picks the backend from the signing name, which is
`personalize` for all three Personalize APIs. We put our backends and one URL pattern covering
`personalize`, `personalize-runtime` and `personalize-events` in those places, then verify that moto
now routes to us, and fail loudly if a moto release changed any of it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import moto
import moto.backend_index as backend_index
import moto.backends as backends
import moto.personalize
import moto.personalize.models
from moto.core.config import DefaultConfig, default_user_config

from personalize_emulator.adapters.moto_backends import URL_BASE, personalize_backends, serve_request

P = ParamSpec("P")
T = TypeVar("T")

TESTED_MOTO_VERSIONS = ("5.2.5",)
_HOSTS = ("personalize", "personalize-runtime", "personalize-events")


class PluginError(RuntimeError):
    """moto no longer works the way this plug-in relies on."""


def install() -> None:
    """Make moto serve Personalize from `personalize_emulator`, in `mock_aws()` and in moto's server."""
    moto.personalize.personalize_backends = personalize_backends  # type: ignore[assignment]  # ours replace moto's
    moto.personalize.models.personalize_backends = personalize_backends  # type: ignore[assignment]
    ours = ("personalize", re.compile(URL_BASE))
    patterns = backend_index.backend_url_patterns
    for index, (service, _) in enumerate(patterns):
        if service == "personalize":
            patterns[index] = ours
            break
    else:
        patterns.append(ours)
    verify()


def moto_config() -> DefaultConfig:
    """What Personalize programs need of moto: AWS's samples attach the managed policy AmazonS3ReadOnlyAccess,
    which moto knows only when it loads AWS's managed policies. Loaded unless `MOTO_IAM_LOAD_MANAGED_POLICIES`
    says otherwise (loading them costs about a second per IAM backend)."""
    wanted = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES", "true").lower() == "true"
    return {"iam": {"load_aws_managed_policies": wanted}}


def mock_aws(func: Callable[P, T] | None = None, config: DefaultConfig | None = None) -> Any:
    """moto's `mock_aws` (a context manager, or a decorator of `func`), with `moto_config()` under `config`."""
    mock = moto.mock_aws(config=moto_config() | (config or {}))
    return mock(func) if func is not None else mock


def configure_moto_server() -> None:
    """moto's server reads its global config: give it `moto_config()` when a server starts."""
    default_user_config.update(moto_config())


def verify() -> None:
    """Raise `PluginError` unless moto resolves all three Personalize hosts to our backends."""
    problems = []
    try:
        if backends.get_backend("personalize") is not personalize_backends:
            problems.append("moto.backends.get_backend('personalize') does not return our backends")
    except Exception as exc:
        problems.append(f"moto.backends.get_backend('personalize') failed: {exc!r}")
    for host in _HOSTS:
        url = f"https://{host}.us-east-1.amazonaws.com/"
        first = next((svc for svc, pattern in backend_index.backend_url_patterns if pattern.match(url)), None)
        if first != "personalize":
            problems.append(f"{url} is routed by moto to {first!r}, not to personalize")
    try:
        backend = personalize_backends["123456789012"]["us-east-1"]
        if set(backend.urls.values()) != {serve_request} or "/" not in backend.flask_paths:
            problems.append("moto's backend URL properties no longer reach our request handler")
    except Exception as exc:
        problems.append(f"moto's BackendDict no longer builds our backend: {exc!r}")
    finally:
        personalize_backends.clear()
    if problems:
        raise PluginError(
            f"personalize_emulator cannot plug into moto {moto.__version__} "
            f"(tested with {', '.join(TESTED_MOTO_VERSIONS)}): " + "; ".join(problems)
        )
