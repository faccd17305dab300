"""personalize-events: PutEvents into the tracker's Interactions dataset, PutActionInteractions into the Action
interactions dataset whose tracker it names, PutItems, PutUsers and PutActions upserts.

An event is in its dataset by the time the call returns.
"""

from __future__ import annotations

from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.api.control.recommenders import Recommender
from personalize_emulator.data.action_events import action_event_type
from personalize_emulator.data.records import build_record, parse_properties
from personalize_emulator.errors import InvalidInputException, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.datasets import action_interactions_for, dataset_of
from personalize_emulator.resources.event_trackers import tracker_for
from personalize_emulator.resources.lifecycle import ACTIVE
from personalize_emulator.resources.metric_attributions import report_events
from personalize_emulator.resources.solutions import SolutionVersion

# Members of an event that AWS refuses inside `properties` (compared without case).
EVENT_RESERVED_PROPERTIES = frozenset(
    {"userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression"}
)


@operation("PutEvents")
def put_events(backend, tracking_id, session_id, event_list, user_id=None):
    tracker = tracker_for(backend, tracking_id)
    if tracker is None or tracker.status != ACTIVE:
        raise InvalidInputException(f"The tracking ID {tracking_id} does not belong to an ACTIVE event tracker.")
    dataset = dataset_of(backend, tracker.dataset_group_arn, "INTERACTIONS")
    if dataset is None:
        raise InvalidInputException(
            f"The dataset group {tracker.dataset_group_arn} has no Interactions dataset to record events in."
        )
    schema = dataset.table.schema
    rows, attributed = [], []
    for index, event in enumerate(event_list):
        where = f"eventList[{index}]"
        properties = parse_properties(event.get("properties"), where)
        item_id = event.get("itemId") or properties.pop("itemId", None)
        value = event.get("eventValue", properties.pop("eventValue", None))
        impression = event.get("impression")
        if impression is None and event.get("recommendationId"):
            impression = backend.recommendation(event["recommendationId"])
        fixed = {
            "USER_ID": user_id or session_id,
            "ITEM_ID": item_id,
            "TIMESTAMP": int(event["sentAt"]),
            "EVENT_TYPE": event["eventType"],
            "EVENT_VALUE": value,
            "IMPRESSION": "|".join(impression) if impression else None,
            "RECOMMENDATION_ID": event.get("recommendationId"),
            "EVENT_ATTRIBUTION_SOURCE": (event.get("metricAttribution") or {}).get("eventAttributionSource"),
        }
        if item_id is None:
            raise InvalidInputException(f"{where}: itemId is required to record an interaction.")
        # An event needs only eventType and sentAt (the Event shape): the schema's other fields (IMPRESSION,
        # EVENT_VALUE, metadata in properties) may be missing, even where the schema does not allow null; AWS's
        # exploration sample sends events without an impression into such a schema, and AWS takes them.
        rows.append(build_record(schema, properties, fixed, where, EVENT_RESERVED_PROPERTIES, complete=False))
        attributed.append({key: fixed[key] for key in ("RECOMMENDATION_ID", "EVENT_ATTRIBUTION_SOURCE")})
    dataset.table.append_rows(rows)
    for model in _models_of(backend, tracker.dataset_group_arn):
        model.observe(rows)
    report_events(backend, tracker.dataset_group_arn, rows, attributed)


def _models_of(backend, group_arn: str) -> list:
    """The trained models of the group's solution versions and recommenders, which follow events in real time."""
    trained = [
        *backend.all(SolutionVersion, lambda v: v.model is not None and v.dataset_group_arn == group_arn),
        *backend.all(Recommender, lambda r: r.model is not None and r.dataset_group_arn == group_arn),
    ]
    return [r.model for r in trained]


def _put_records(backend, dataset_arn: str, dataset_type: str, id_field: str, records: list[dict], id_member: str):
    dataset = backend.get(dataset_arn, Dataset)
    if dataset.dataset_type != dataset_type:
        raise InvalidInputException(
            f"The dataset {dataset_arn} has the type {dataset.dataset_type}; "
            f"these records go in a dataset of type {dataset_type}."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUseException(f"The dataset {dataset_arn} is {dataset.status}, not ACTIVE.")
    schema = dataset.table.schema
    rows = []
    for index, record in enumerate(records):
        where = f"{dataset_type.lower()}[{index}]"
        properties = parse_properties(record.get("properties"), where)
        rows.append(build_record(schema, properties, {id_field: record[id_member]}, where))
    dataset.table.append_rows(rows)


@operation("PutItems")
def put_items(backend, dataset_arn, items):
    _put_records(backend, dataset_arn, "ITEMS", "ITEM_ID", items, "itemId")


@operation("PutUsers")
def put_users(backend, dataset_arn, users):
    _put_records(backend, dataset_arn, "USERS", "USER_ID", users, "userId")


@operation("PutActions")
def put_actions(backend, dataset_arn, actions):
    _put_records(backend, dataset_arn, "ACTIONS", "ACTION_ID", actions, "actionId")


@operation("PutActionInteractions")
def put_action_interactions(backend, tracking_id, action_interactions):
    dataset = action_interactions_for(backend, tracking_id)
    if dataset is None:
        raise InvalidInputException(
            f"The tracking ID {tracking_id} does not belong to an Action interactions dataset (DescribeDataset "
            "shows the trackingId of one)."
        )
    if dataset.status != ACTIVE:
        raise ResourceInUseException(f"The dataset {dataset.arn} is {dataset.status}, not ACTIVE.")
    rows = []
    for index, interaction in enumerate(action_interactions):
        where = f"actionInteractions[{index}]"
        if action_event_type(interaction["eventType"]) is None:
            raise InvalidInputException(
                f"{where}: eventType {interaction['eventType']!r} is not an action interaction event type; use "
                "Taken, Not taken or Viewed (TAKEN, NOT_TAKEN, VIEWED)."
            )
        impression = interaction.get("impression")
        fixed = {
            "USER_ID": interaction.get("userId") or interaction["sessionId"],
            "ACTION_ID": interaction["actionId"],
            "TIMESTAMP": int(interaction["timestamp"]),
            "EVENT_TYPE": interaction["eventType"],
            "IMPRESSION": "|".join(impression) if impression else None,
            "RECOMMENDATION_ID": interaction.get("recommendationId"),
        }
        properties = parse_properties(interaction.get("properties"), where)
        rows.append(build_record(dataset.table.schema, properties, fixed, where, EVENT_RESERVED_PROPERTIES))
    dataset.table.append_rows(rows)
