"""The backends as moto finds them: one `PersonalizeBackend` per account and region in a `BackendDict`, each
answering the URLs of all three Personalize APIs through the protocol layer.

moto looks a service's URLs up on its backend instances (`url_bases`, `urls`, `flask_paths`), so the moto-facing
backend adds those to the state-only `PersonalizeBackend`. Durable state, when `serve --data-dir` asks for it, is
given to every backend the dict creates, so none is module state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.base_backend import BackendDict

from personalize_emulator.protocol.dispatch import handle
from personalize_emulator.resources.backend import DurableState, PersonalizeBackend

URL_BASE = r"https?://personalize(?:-runtime|-events)?\.(.+)\.amazonaws\.com"


class MotoPersonalizeBackend(PersonalizeBackend):
    """A backend with the URL properties moto's interceptor and server read."""

    @property
    def url_bases(self) -> list[str]:
        return [URL_BASE]

    @property
    def urls(self) -> dict[str, Callable[..., Any]]:
        return {URL_BASE + path: handler for path, handler in self.url_paths.items()}

    @property
    def url_paths(self) -> dict[str, Callable[..., Any]]:
        return {"/$": serve_request, "/.*": serve_request}


class PersonalizeBackends(BackendDict[MotoPersonalizeBackend]):
    """Every account's and region's backend; `durable`, when set, is shared by all of them."""

    def __init__(self) -> None:
        super().__init__(self._create, "personalize")  # type: ignore[arg-type]  # a factory, not the class
        self.durable: DurableState | None = None

    def _create(self, region_name: str, account_id: str) -> MotoPersonalizeBackend:
        return MotoPersonalizeBackend(region_name, account_id, self.durable)

    def make_durable(self, durable: DurableState | None) -> None:
        """From now on, every backend (those that exist and those to come) saves itself to `durable`."""
        self.durable = durable
        for regions in self.values():
            for backend in regions.values():
                backend.durable = durable


def serve_request(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """The handler moto calls for every Personalize URL, in-process and in its server."""
    return handle(request, personalize_backends)


personalize_backends = PersonalizeBackends()
