"""PutEvents as AWS wants it: at most 10 events a call, impressions that include the chosen item, the
`recommendationId` of the list the user saw, and `properties` as a JSON string with camelCase keys."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

MAX_EVENTS_PER_CALL = 10
MAX_IMPRESSION = 25
MAX_RECOMMENDATION_ID = 40


def make_event(
    item_id: str,
    sent_at: float | datetime,
    event_type: str = "click",
    *,
    event_value: float | None = None,
    recommendation_id: str | None = None,
    impression: Iterable[str] | None = None,
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One event for `put_events`. `impression` is what the user was shown; the chosen item is added first if it
    is missing (AWS counts it as shown). `properties` may use the schema's names (`CABIN_TYPE`): they go on the
    wire in camelCase (`cabinType`), as AWS matches them to the Interactions schema."""
    event: dict[str, Any] = {"eventType": event_type, "itemId": item_id, "sentAt": sent_at}
    if event_value is not None:
        event["eventValue"] = float(event_value)
    if recommendation_id is not None:
        if len(recommendation_id) > MAX_RECOMMENDATION_ID:
            raise ValueError(f"a recommendationId has at most {MAX_RECOMMENDATION_ID} characters")
        event["recommendationId"] = recommendation_id
    if impression is not None:
        shown = list(dict.fromkeys(impression))
        if item_id not in shown:
            shown.insert(0, item_id)
        if len(shown) > MAX_IMPRESSION:
            raise ValueError(f"an impression lists at most {MAX_IMPRESSION} items, not {len(shown)}")
        event["impression"] = shown
    if properties:
        event["properties"] = json.dumps({camel_case(key): value for key, value in properties.items()})
    return event


def camel_case(field: str) -> str:
    """`CABIN_TYPE` -> `cabinType`; a name already in camelCase is kept."""
    if not field.isupper():
        return field
    first, *rest = field.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


def send_events(
    events_client: Any, tracking_id: str, user_id: str, session_id: str, events: Iterable[dict[str, Any]]
) -> int:
    """Send `events` for one user and session through `put_events`, 10 per call; the number sent."""
    events = list(events)
    for start in range(0, len(events), MAX_EVENTS_PER_CALL):
        events_client.put_events(
            trackingId=tracking_id,
            userId=user_id,
            sessionId=session_id,
            eventList=events[start : start + MAX_EVENTS_PER_CALL],
        )
    return len(events)
