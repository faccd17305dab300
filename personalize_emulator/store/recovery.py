"""Bringing the saved state back when `serve --data-dir` starts: resources, their records, their models.

Work that was running when the process stopped cannot resume (its thread is gone): a resource caught being
created ends `CREATE FAILED` with a reason that says so (a version being stopped ends `CREATE STOPPED`), one
caught being deleted is deleted, and a campaign update caught in progress fails while the campaign keeps serving
what it served before. Each trained model is loaded as it was saved, then follows the events recorded since.
"""

from __future__ import annotations

import logging
from typing import Any

from personalize_emulator.data.tables import Table
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import (
    CREATE_FAILED,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    CREATE_STOPPED,
    CREATE_STOPPING,
    DELETING,
    SWITCHING,
)
from personalize_emulator.store.durable_state import DurableStore
from personalize_emulator.store.safe_state import loads
from personalize_emulator.store.sqlite import RecordSink, Store

log = logging.getLogger("personalize_emulator")

INTERRUPTED = (
    "personalize_emulator stopped while this was in progress, and work in progress does not survive a restart; "
    "create it again."
)


def restore(state: DurableStore, backends: Any) -> int:
    """Load every saved backend into `backends` (moto's BackendDict, already made durable with `state`); the number
    of resources restored."""
    durable = state.store
    restored, dataset_arns, model_arns = 0, set(), set()
    for account, region in durable.backends():
        backend = backends[account][region]
        resources = [loads(body, _Marker) for body in durable.resources(account, region)]
        by_arn = {r.arn: r for r in resources}
        for resource in resources:
            _tie(resource, by_arn, durable)
        for resource in resources:
            _settle(resource, by_arn)
        backend.resources = {arn: r for arn, r in by_arn.items() if r.status not in DELETING}
        _replay_events(backend, durable)
        models = {arn: r.model for arn, r in backend.resources.items() if getattr(r, "model", None) is not None}
        state.saved_models |= models
        dataset_arns |= {arn for arn, r in backend.resources.items() if isinstance(getattr(r, "table", None), Table)}
        model_arns |= set(models)
        backend.persist()
        restored += len(backend.resources)
    durable.forget_records_except(dataset_arns)
    durable.forget_models_except(model_arns)
    return restored


class _Marker(dict):
    """A reference cut out by `encode_resource`, waiting to be tied back."""

    def __init__(self, marker: dict[str, Any]):
        super().__init__(marker)


def _tie(resource: Resource, by_arn: dict[str, Resource], durable: Store) -> None:
    for name, value in list(vars(resource).items()):
        if isinstance(value, _Marker):
            object.__setattr__(resource, name, _resolve(value, resource, name, by_arn, durable))
        elif isinstance(value, list):
            value[:] = [_resolve(v, resource, name, by_arn, durable) if isinstance(v, _Marker) else v for v in value]


def _resolve(marker: _Marker, resource: Resource, name: str, by_arn: dict[str, Resource], durable: Store) -> Any:
    if "ref" in marker:
        return by_arn.get(marker["ref"])
    if "table" in marker:
        schema = by_arn[resource.schema_arn].parsed  # type: ignore[attr-defined]
        table = Table(schema, resource.dataset_type, RecordSink(durable, resource.arn))  # type: ignore[attr-defined]
        records = durable.records(resource.arn)
        if len(records):
            table.restore(records)
        return table
    saved = durable.model(resource.arn)
    if saved is None:
        return None
    model = loads(saved[0])
    model.seen_record = saved[1]
    return model


def _settle(resource: Resource, by_arn: dict[str, Resource]) -> None:
    """Work in progress when the process stopped: fail it, finish deleting it, or drop the stopping run."""
    if resource.status in resource.statuses.running:
        resource.status, resource.failure_reason = resource.statuses.failed, INTERRUPTED
    elif resource.status == CREATE_STOPPING:
        resource.status = CREATE_STOPPED
    elif resource.status in SWITCHING:  # a recommender being stopped or started: nothing to redo, it gets there
        resource.status = SWITCHING[resource.status]
    update: Any = getattr(resource, "latest_update", None)  # a campaign's update, or a solution's (a dict, no status)
    if getattr(update, "status", None) in (CREATE_PENDING, CREATE_IN_PROGRESS):
        update.status, update.failure_reason = CREATE_FAILED, INTERRUPTED
    versions = getattr(resource, "versions", None)
    if isinstance(versions, list):  # a solution's versions list holds the very objects restored by ARN
        versions[:] = [by_arn[v.arn] for v in versions if v is not None and v.arn in by_arn]


def _replay_events(backend: Any, durable: Store) -> None:
    """Advance each restored model by the events recorded after it was saved, as it did before the restart."""
    for resource in backend.resources.values():
        model = getattr(resource, "model", None)
        if model is None:
            continue
        group = resource.dataset_group_arn  # a solution version's, or a recommender's
        interactions = backend.resources.get(f"{group.replace(':dataset-group/', ':dataset/')}/INTERACTIONS")
        if interactions is None:
            continue
        later = durable.records(interactions.arn, after=model.seen_record)
        later = later[later["source"] == "PUT"]
        if len(later):
            fields = later.drop(columns=["seq", "source"])
            rows = fields.astype(object).where(fields.notna(), None).to_dict("records")
            model.observe(rows)
            log.info("replayed %d events into %s", len(rows), resource.arn)
