"""Each user's interactions (with items, or with actions in an Action interactions table), as interaction filters
and Next-Best-Action read them, kept up to date as events arrive: rows appended to the table (PutEvents,
PutActionInteractions, incremental imports) are added to the index, and only a change that moves rows already there
(a FULL import, a restart) builds it again.

AWS's filters consider "up to 100 of the most recent interactions per user per event type" (an adjustable quota,
`interactions_per_user_per_event_type_in_filters`; the developer guide's Filter expressions page), and ignore case
when matching event types.
"""

from __future__ import annotations

import threading

from personalize_emulator import settings
from personalize_emulator.data.tables import Table


class _History:
    def __init__(self, subject: str) -> None:
        self.subject = subject  # the column of what users interact with: ITEM_ID, or ACTION_ID
        self.lock = threading.Lock()
        self.reset(-1)

    def reset(self, layout: int) -> None:
        self.layout = layout
        self.consumed = 0
        self.items: list[str] = []
        self.types: list[str | None] = []
        self.times: list[float] = []
        self.rows_of: dict[str, list[int]] = {}
        self.recent: dict[str, tuple[tuple[int, int], dict[str | None, frozenset[str]]]] = {}
        self.users_by_type: tuple[int, dict[str | None, frozenset[str]]] = (-1, {})

    def follow(self, table: Table) -> None:
        layout, frame, streamed = table.since(self.consumed)
        if layout != self.layout:  # rows already read moved: read the table again from the start
            self.reset(layout)
            layout, frame, streamed = table.since(0)
        if frame is not None:
            self._add(frame["USER_ID"].tolist(), frame[self.subject].tolist(),
                      frame["EVENT_TYPE"].tolist() if "EVENT_TYPE" in frame.columns else [None] * len(frame),
                      frame["TIMESTAMP"].astype("float64").fillna(0.0).tolist())  # fmt: skip
        if streamed:
            self._add([r["USER_ID"] for r in streamed], [r[self.subject] for r in streamed],
                      [r.get("EVENT_TYPE") for r in streamed], [float(r["TIMESTAMP"]) for r in streamed])  # fmt: skip

    def _add(self, users: list[str], items: list[str], types: list, times: list[float]) -> None:
        self.items += items
        self.types += [t.lower() if isinstance(t, str) else None for t in types]
        self.times += times
        for row, user in enumerate(users, start=self.consumed):
            self.rows_of.setdefault(user, []).append(row)
        self.consumed += len(users)

    def of(self, user_id: str) -> dict[str | None, frozenset[str]]:
        rows = self.rows_of.get(user_id, [])
        window = settings.quota("interactions_per_user_per_event_type_in_filters")
        cached = self.recent.get(user_id)
        if cached is not None and cached[0] == (len(rows), window):
            return cached[1]
        kept: dict[str | None, list[str]] = {}
        # newest first; interactions at the same time keep the order in which they reached the dataset
        for row in sorted(rows, key=lambda r: (self.times[r], r), reverse=True):
            chosen = kept.setdefault(self.types[row], [])
            if len(chosen) < window:
                chosen.append(self.items[row])
        by_type = {event_type: frozenset(items) for event_type, items in kept.items()}
        self.recent[user_id] = ((len(rows), window), by_type)
        return by_type


def _history(table: Table) -> _History:
    """The table's index, made on first use; it follows the table under its own lock."""
    history = table.derived.get("interaction_history")
    if history is None:
        subject = "ACTION_ID" if table.schema.field("ACTION_ID") is not None else "ITEM_ID"
        history = table.derived.setdefault("interaction_history", _History(subject))
    return history


def recent_items(table: Table, user_id: str | None) -> dict[str | None, frozenset[str]]:
    """The items (or actions) `user_id` interacted with, by event type (lower case; None for rows without one), at
    most the 100 most recent of each type (the quota's value)."""
    history = _history(table)
    with history.lock:
        history.follow(table)
        return history.of(user_id) if user_id else {}


def users_by_event_type(table: Table) -> dict[str | None, frozenset[str]]:
    """The users who have an interaction of each event type (lower case; None for rows without one)."""
    history = _history(table)
    with history.lock:
        history.follow(table)
        if history.users_by_type[0] != history.consumed:
            found: dict[str | None, set[str]] = {}
            for user, rows in history.rows_of.items():
                for row in rows:
                    found.setdefault(history.types[row], set()).add(user)
            history.users_by_type = (history.consumed, {kind: frozenset(users) for kind, users in found.items()})
        return history.users_by_type[1]


def events_of(table: Table, user_id: str) -> list[tuple[str, str | None, float]]:
    """Every interaction of `user_id`: (item or action id, event type in lower case, time), oldest first."""
    history = _history(table)
    with history.lock:
        history.follow(table)
        rows = sorted(history.rows_of.get(user_id, []), key=lambda r: (history.times[r], r))
        return [(history.items[r], history.types[r], history.times[r]) for r in rows]
