"""The records of a keyed dataset (Items, Users) found by id, with their columns as arrays, built once per version
of the table: filters and response metadata read them on every request, and the table changes far less often.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from personalize_emulator.data.tables import Table


class RecordIndex:
    """One version of a table's records. `cache` holds what callers derive from them (such as filter masks), so
    that it goes when the table changes."""

    def __init__(self, table: Table, version: int):
        self.version = version
        self.schema = table.schema
        self._frame = table.frame()
        self.ids = self._frame[table.key].to_numpy(dtype=object)
        self.row_of = {record_id: row for row, record_id in enumerate(self.ids)}
        self._columns: dict[str, np.ndarray] = {}
        self.cache: dict[Any, Any] = {}

    def column(self, name: str) -> np.ndarray:
        """The field's values by row, as Python objects; None where a record has no value."""
        found = self._columns.get(name)
        if found is None:
            values = self._frame[name]
            found = values.astype(object).where(values.notna(), None).to_numpy()
            self._columns[name] = found
        return found

    def value(self, record_id: str, name: str) -> Any:
        row = self.row_of.get(record_id)
        return None if row is None else self.column(name)[row]


def index_of(table: Table) -> RecordIndex:
    """The index of the table as it is now (the version is read before the records, so a change made meanwhile
    only makes the next call build again)."""
    version = table.version
    index = table.derived.get("record_index")
    if index is None or index.version != version:
        index = table.derived["record_index"] = RecordIndex(table, version)
    return index
