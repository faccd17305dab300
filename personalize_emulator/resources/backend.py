"""State of one account and region, kept as moto keeps its backends (and reset with them)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend

from personalize_emulator.errors import ResourceAlreadyExistsException, ResourceNotFoundException
from personalize_emulator.resources import arns
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import Jobs
from personalize_emulator.store import sqlite

R = TypeVar("R", bound=Resource)

URL_BASE = r"https?://personalize(?:-runtime|-events)?\.(.+)\.amazonaws\.com"
_REMEMBERED_RECOMMENDATIONS = 100_000


class PersonalizeBackend(BaseBackend):
    """Resources, datasets, models and jobs of Amazon Personalize in one account and region."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.jobs = Jobs(on_change=self.persist)
        self.resources: dict[str, Resource] = {}
        self._recommendations: OrderedDict[str, list[str]] = OrderedDict()
        self.saved_models: set[str] = set()
        self._persisting = threading.Lock()

    def reset(self) -> None:
        self.jobs.stop()
        if sqlite.current() is not None:
            sqlite.current().save_resources(self.account_id, self.region_name, {})
        super().reset()

    # -- durable state (serve --data-dir) -----------------------------------------------------------------
    def persist(self) -> None:
        """Save every resource, and models not saved yet, when a store is in use; called after each change."""
        durable = sqlite.current()
        if durable is None:
            return
        from personalize_emulator.store.recovery import encode_resource
        from personalize_emulator.store.safe_state import dumps

        with self._persisting:  # one save at a time, so an older snapshot never lands after a newer one
            with self.lock:
                made = self.jobs.made()
                resources = list(self.resources.values())
                bodies = {r.arn: encode_resource(r) for r in resources}
                models = [r for r in resources if getattr(r, "model", None) is not None]
                models = [r for r in models if r.arn not in self.saved_models]
                seen = durable.last_record()
            durable.save_resources(self.account_id, self.region_name, bodies)
            for version in models:  # a model changes after training only by following events, which are replayed
                durable.save_model(version.arn, dumps(version.model), seen)
                self.saved_models.add(version.arn)
        self.jobs.mark_saved(made)

    def wait_durable(self) -> None:
        """Under a store, wait until every status change made so far is saved: a client never sees a status
        (ACTIVE, say) that a kill -9 would take back."""
        if sqlite.current() is not None:
            self.jobs.wait_saved()

    # -- URLs, as moto's interceptor and server look them up -------------------------------------------
    @property
    def url_bases(self) -> list[str]:
        return [URL_BASE]

    @property
    def urls(self) -> dict[str, Callable[..., Any]]:
        return {URL_BASE + path: handler for path, handler in self.url_paths.items()}

    @property
    def url_paths(self) -> dict[str, Callable[..., Any]]:
        return {"/$": serve_request, "/.*": serve_request}

    # -- resources --------------------------------------------------------------------------------------
    def arn(self, resource: str) -> str:
        return arns.arn(self.region_name, self.account_id, resource)

    def add(self, resource: R) -> R:
        with self.lock:
            if resource.arn in self.resources:
                raise ResourceAlreadyExistsException.for_arn(resource.arn)
            self.resources[resource.arn] = resource
        return resource

    def get(self, arn: str, cls: type[R]) -> R:
        """The resource of type `cls` at `arn`, or `ResourceNotFoundException`."""
        resource = self.resources.get(arn)
        if not isinstance(resource, cls):
            raise ResourceNotFoundException.for_arn(arn)
        return resource

    def all(self, cls: type[R], where: Callable[[R], bool] | None = None) -> list[R]:
        with self.lock:
            found = [r for r in self.resources.values() if isinstance(r, cls) and (where is None or where(r))]
        return sorted(found, key=lambda r: r.creation, reverse=True)

    def remove(self, arn: str) -> None:
        with self.lock:
            self.resources.pop(arn, None)

    # -- recommendation lists, kept so PutEvents can imply impressions from a recommendationId ---------
    def remember_recommendation(self, recommendation_id: str, item_ids: Iterable[str]) -> None:
        with self.lock:
            self._recommendations[recommendation_id] = list(item_ids)
            while len(self._recommendations) > _REMEMBERED_RECOMMENDATIONS:
                self._recommendations.popitem(last=False)

    def recommendation(self, recommendation_id: str) -> list[str] | None:
        return self._recommendations.get(recommendation_id)


def serve_request(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """The handler moto calls for every Personalize URL, in-process and in its server."""
    from personalize_emulator.protocol.dispatch import handle

    return handle(request, personalize_backends)


personalize_backends: BackendDict[PersonalizeBackend] = BackendDict(PersonalizeBackend, "personalize")
