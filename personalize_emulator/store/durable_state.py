"""A backend's durable state in the SQLite store: what `PersonalizeBackend.durable` is under `serve --data-dir`.

Each save writes every resource whole (other resources, records and models cut out, kept apart) and each model not
saved yet (a recommender retrained on an update has a new one), with the last record it had seen: a model changes
after training only by following events, which are replayed into it on load.
"""

from __future__ import annotations

from typing import Any

from personalize_emulator.data.tables import Table
from personalize_emulator.recipes.base import Model
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.base import Resource
from personalize_emulator.store.safe_state import dumps
from personalize_emulator.store.sqlite import RecordSink, Store


class DurableStore:
    """Saves backends into `store`; one per store, shared by every backend of the process."""

    def __init__(self, store: Store):
        self.store = store
        self.saved_models: dict[str, Model] = {}  # by ARN, the model saved for it (a retrained recommender's changes)

    def save(self, backend: PersonalizeBackend) -> None:
        with backend.lock:
            resources = list(backend.resources.values())
            bodies = {r.arn: encode_resource(r) for r in resources}
            trained = {r.arn: getattr(r, "model", None) for r in resources}
            models = {arn: m for arn, m in trained.items() if m is not None and self.saved_models.get(arn) is not m}
            seen = self.store.last_record()
        self.store.save_resources(backend.account_id, backend.region_name, bodies)
        for arn, model in models.items():
            self.store.save_model(arn, dumps(model), seen)
            self.saved_models[arn] = model

    def forget(self, backend: PersonalizeBackend) -> None:
        self.store.save_resources(backend.account_id, backend.region_name, {})

    def sink_for(self, dataset_arn: str) -> RecordSink:
        return RecordSink(self.store, dataset_arn)

    def model_changed(self, arn: str) -> None:
        self.saved_models.pop(arn, None)


def encode_resource(resource: Resource) -> bytes:
    """The resource's own state; other resources, its records and its model are cut out (kept elsewhere)."""

    def cut(value: Any) -> dict[str, Any] | None:
        if isinstance(value, Resource) and value is not resource:
            return {"ref": value.arn}
        if isinstance(value, Table):
            return {"table": True}
        if isinstance(value, Model):
            return {"model": True}
        return None

    return dumps(resource, cut)
