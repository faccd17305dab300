"""Each user's recent interactions by event type, as interaction filters read them, kept up to date as events
arrive: rows appended to the Interactions table (PutEvents, incremental imports) are added to the index, and only a
change that moves rows already there (a FULL import, a restart) builds it again.

AWS's filters consider "up to 100 of the most recent interactions per user per event type" (an adjustable quota,
`interactions_per_user_per_event_type_in_filters`; the developer guide's Filter expressions page), and ignore case
when matching event types.
"""

from __future__ import annotations

import threading

from personalize_emulator import settings
from personalize_emulator.data.tables import Table


class _History:
    def __init__(self) -> None:
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

    def follow(self, table: Table) -> None:
        layout, frame, streamed = table.since(self.consumed)
        if layout != self.layout:  # rows already read moved: read the table again from the start
            self.reset(layout)
            layout, frame, streamed = table.since(0)
        if frame is not None:
            self._add(frame["USER_ID"].tolist(), frame["ITEM_ID"].tolist(),
                      frame["EVENT_TYPE"].tolist() if "EVENT_TYPE" in frame.columns else [None] * len(frame),
                      frame["TIMESTAMP"].astype("float64").fillna(0.0).tolist())  # fmt: skip
        if streamed:
            self._add([r["USER_ID"] for r in streamed], [r["ITEM_ID"] for r in streamed],
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


def recent_items(table: Table, user_id: str | None) -> dict[str | None, frozenset[str]]:
    """The items `user_id` interacted with, by event type (lower case; None for rows without one), at most the
    100 most recent of each type (the quota's value)."""
    history = table.derived.setdefault("interaction_history", _History())
    with history.lock:
        history.follow(table)
        return history.of(user_id) if user_id else {}
