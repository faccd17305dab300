"""State of one account and region, kept as moto keeps its backends (and reset with them)."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from moto.core.base_backend import BaseBackend

from personalize_emulator.errors import (
    ResourceAlreadyExistsException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from personalize_emulator.resources import arns
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import DELETING, IN_FLIGHT, WORKING, Jobs, start_delete

R = TypeVar("R", bound=Resource)

_REMEMBERED_RECOMMENDATIONS = 100_000


class DurableState(Protocol):
    """Where a backend saves itself under `serve --data-dir` (implemented by the store)."""

    def save(self, backend: PersonalizeBackend) -> None:
        """Save every resource of `backend` and the models not saved yet."""

    def forget(self, backend: PersonalizeBackend) -> None:
        """Drop what was saved for `backend` (moto reset it)."""

    def sink_for(self, dataset_arn: str) -> Any:
        """Where a dataset's table writes its records before it changes in memory."""

    def model_changed(self, arn: str) -> None:
        """The model of `arn` changed other than by following events (a data deletion job): save it again."""


class PersonalizeBackend(BaseBackend):
    """Resources, datasets, models and jobs of Amazon Personalize in one account and region."""

    def __init__(self, region_name: str, account_id: str, durable: DurableState | None = None):
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.jobs = Jobs(on_change=self.persist)
        self.resources: dict[str, Resource] = {}
        self.durable = durable
        self._recommendations: OrderedDict[str, tuple[list[str], str | None]] = OrderedDict()
        # What serving derives from a trained model (the items it can recommend), dropped with the model.
        self.serving_cache: weakref.WeakKeyDictionary[object, Any] = weakref.WeakKeyDictionary()
        self._persisting = threading.Lock()

    def reset(self) -> None:
        self.jobs.stop()
        if self.durable is not None:
            self.durable.forget(self)
        super().reset()

    # -- durable state (serve --data-dir) -----------------------------------------------------------------
    def persist(self) -> None:
        """Save the backend when it is durable; called after each change. Changes counted before the save are
        marked saved after it (the save may hold later ones too: marking fewer is safe)."""
        if self.durable is None:
            return
        with self._persisting:  # one save at a time, so an older snapshot never lands after a newer one
            made = self.jobs.made()
            self.durable.save(self)
        self.jobs.mark_saved(made)

    def wait_durable(self) -> None:
        """When durable, wait until every status change made so far is saved: a client never sees a status
        (ACTIVE, say) that a kill -9 would take back."""
        if self.durable is not None:
            self.jobs.wait_saved()

    def sink_for(self, dataset_arn: str) -> Any:
        """Where the dataset's records go before memory, when the backend is durable."""
        return self.durable.sink_for(dataset_arn) if self.durable is not None else None

    def model_changed(self, arn: str) -> None:
        """The model of `arn` changed other than by following events: the next save writes it again."""
        if self.durable is not None:
            self.durable.model_changed(arn)

    # -- resources --------------------------------------------------------------------------------------
    def arn(self, resource: str) -> str:
        return arns.arn(self.region_name, self.account_id, resource)

    def add(self, resource: R, admit: Callable[[], None] | None = None) -> R:
        """Keep `resource`, unless one has its ARN already or `admit` (a quota's check) refuses it, both under the
        lock so that two creates at once cannot both pass."""
        with self.lock:
            if resource.arn in self.resources:
                raise ResourceAlreadyExistsException.for_arn(resource.arn)
            if admit is not None:
                admit()
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

    def dependents(self, arn: str) -> list[Resource]:
        """The resources that depend on `arn` now (see `Resource.depends_on`), newest first."""
        return self.all(Resource, lambda r: arn in r.depends_on())

    def remove(self, arn: str) -> None:
        with self.lock:
            self.resources.pop(arn, None)

    def delete(self, resource: Resource, also_remove: Iterable[str] = ()) -> None:
        """Start deleting `resource` (and the ARNs in `also_remove` with it, such as a solution's versions), or
        refuse with `ResourceInUseException`: while it is being created or deleted, while work in progress
        needs it, or while other resources use it."""
        with self.lock:
            if resource.status in DELETING:
                raise ResourceInUseException(f"{resource.arn} is already being deleted.")
            if resource.has_status and resource.status in IN_FLIGHT:
                raise ResourceInUseException(f"{resource.arn} cannot be deleted while its status is {resource.status}.")
            dependents = self.dependents(resource.arn)
            busy = [d for d in dependents if d.status in WORKING | d.statuses.running]
            if busy:
                raise ResourceInUseException(
                    f"{resource.arn} cannot be deleted while {busy[0].arn} is {busy[0].status}."
                )
            if dependents:
                live = [d.arn for d in dependents]
                shown = ", ".join(live[:5]) + (f" and {len(live) - 5} more" if len(live) > 5 else "")
                raise ResourceInUseException(f"{resource.arn} is in use by {shown}; delete those first.")
            gone = {resource.arn, *also_remove}

            def remove() -> None:
                for arn in gone:
                    self.remove(arn)

            if resource.has_status:
                start_delete(self.jobs, self.lock, resource, remove)
            else:
                remove()

    # -- recommendation lists, kept so PutEvents can imply impressions from a recommendationId, and metric
    # -- attributions name the campaign or recommender an event came from ------------------------------------
    def remember_recommendation(
        self, recommendation_id: str, item_ids: Iterable[str], source: str | None = None
    ) -> None:
        """Keep the items of an answer and the ARN of what answered (`source`: a campaign or recommender)."""
        with self.lock:
            self._recommendations[recommendation_id] = (list(item_ids), source)
            while len(self._recommendations) > _REMEMBERED_RECOMMENDATIONS:
                self._recommendations.popitem(last=False)

    def recommendation(self, recommendation_id: str) -> list[str] | None:
        found = self._recommendations.get(recommendation_id)
        return found[0] if found else None

    def recommendation_source(self, recommendation_id: str) -> str | None:
        found = self._recommendations.get(recommendation_id)
        return found[1] if found else None
