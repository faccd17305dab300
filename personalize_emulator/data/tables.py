"""The records of one dataset, typed by its schema: a DataFrame, plus rows streamed in by the events API.

Streamed rows wait in a list and join the frame when someone reads it, so `put_events` stays cheap. Each
record remembers whether it came from a bulk import or a PUT call (column `SOURCE`), as export jobs ask.
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd

from personalize_emulator.data.avro import AvroSchema, Field

KEYS = {"ITEMS": "ITEM_ID", "USERS": "USER_ID", "ACTIONS": "ACTION_ID"}
SOURCE = "_source"
BULK, PUT = "BULK", "PUT"


def dtype(field: Field) -> str:
    if field.type in ("int", "long"):
        return "Int64"
    if field.type in ("float", "double"):
        return "float64"
    if field.type == "boolean":
        return "boolean"
    return "object"


def empty_frame(schema: AvroSchema) -> pd.DataFrame:
    columns = {f.name: pd.Series([], dtype=dtype(f)) for f in schema.fields}
    return pd.DataFrame(columns | {SOURCE: pd.Series([], dtype="object")})


class Table:
    """One dataset's records. Items, Users and Actions are keyed by their id: a newer record replaces an older one."""

    def __init__(self, schema: AvroSchema, dataset_type: str, sink: Any = None):
        self.schema = schema
        self.sink = sink  # a store.RecordSink under `serve --data-dir`: records reach the disk before memory
        self.key = KEYS.get(dataset_type)
        self._frame = empty_frame(schema)
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.derived: dict[str, Any] = {}  # structures built from the records (an index, a history), kept with them
        self.version = 0  # bumped by every change
        self.layout = 0  # bumped when rows already there may move or change; not when rows are only appended

    def frame(self) -> pd.DataFrame:
        """All records: the schema's columns plus `SOURCE` (do not modify it)."""
        with self._lock:
            self._flush()
            return self._frame

    def since(self, start: int) -> tuple[int, pd.DataFrame | None, list[dict[str, Any]]]:
        """The records from position `start` on, without joining streamed rows to the frame (which copies it): the
        layout, the frame's rows from `start` (None if none), then the streamed rows after those. Positions hold
        until `layout` changes."""
        with self._lock:
            size = len(self._frame)
            return (
                self.layout,
                self._frame.iloc[start:] if start < size else None,
                self._pending[max(0, start - size) :],
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._frame) + len(self._pending)

    def replace(self, frame: pd.DataFrame) -> None:
        """FULL import: `frame` replaces the bulk-imported records; records put one by one stay, as in AWS
        (a keyed record of `frame` still replaces a put record with the same id)."""
        typed = self._typed(frame, BULK)
        with self._lock:
            if self.sink:
                self.sink.bulk(typed.drop(columns=SOURCE), replace=True)
            self._flush()
            put = self._frame[self._frame[SOURCE] != BULK]
            self._frame = self._merged(put.reset_index(drop=True), typed)
            self.version += 1
            self.layout += 1

    def append(self, frame: pd.DataFrame) -> None:
        """INCREMENTAL import: add `frame`; keyed records replace those with the same id."""
        typed = self._typed(frame, BULK)
        with self._lock:
            if self.sink:
                self.sink.bulk(typed.drop(columns=SOURCE), replace=False)
            self._flush()
            self._frame = self._merged(self._frame, typed)
            self.version += 1

    def append_rows(self, rows: list[dict[str, Any]]) -> None:
        """Records from PutEvents, PutItems or PutUsers, already coerced to the schema's types."""
        with self._lock:
            if self.sink:
                self.sink.put(rows)
            self._pending.extend(rows)
            self.version += 1

    def remove(self, column: str, values: set[str]) -> int:
        """Drop every record, bulk or put, whose `column` holds one of `values` (a data deletion job removes users
        so); the number dropped."""
        with self._lock:
            self._flush()
            if column not in self._frame:
                return 0
            doomed = self._frame[column].isin(values)
            dropped = int(doomed.sum())
            if dropped:
                if self.sink:
                    self.sink.remove(column, values)
                self._frame = self._frame[~doomed].reset_index(drop=True)
                self.version += 1
                self.layout += 1
            return dropped

    def restore(self, records: pd.DataFrame) -> None:
        """Load the records a store kept (with their `source`), in the order they came."""
        with self._lock:
            self._frame = self._merged(empty_frame(self.schema), self._typed(records, records["source"]))
            self.version += 1
            self.layout += 1

    def reshape(self, schema: AvroSchema) -> None:
        """Follow a schema update: new fields start empty, dropped fields go."""
        with self._lock:
            self._flush()
            self.schema = schema
            self._frame = self._typed(self._frame, self._frame[SOURCE])
            self.version += 1
            self.layout += 1

    def _flush(self) -> None:
        if self._pending:
            rows = pd.DataFrame.from_records(self._pending, columns=self.schema.names)
            self._frame = self._merged(self._frame, self._typed(rows, PUT))
            self._pending = []

    def _typed(self, frame: pd.DataFrame, source: str | pd.Series) -> pd.DataFrame:
        frame = frame.reset_index(drop=True)
        columns = {}
        for f in self.schema.fields:
            values = frame[f.name] if f.name in frame.columns else pd.Series([None] * len(frame), dtype="object")
            kind: Any = dtype(f)  # a dtype name pandas takes, which its stubs cannot tell from the string
            columns[f.name] = values.astype(kind) if values.dtype != kind else values
        typed = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
        typed[SOURCE] = source if isinstance(source, str) else source.to_numpy()
        return typed

    def _merged(self, base: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
        if base.empty:
            merged = extra.reset_index(drop=True)
        elif extra.empty:
            return base
        else:
            merged = pd.concat([base, extra], ignore_index=True)
        if self.key:
            merged = merged.drop_duplicates(self.key, keep="last", ignore_index=True)
            self.layout += 1
        return merged
