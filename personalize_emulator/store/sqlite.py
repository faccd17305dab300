"""Durable state for `serve --data-dir DIR`: one SQLite file in WAL mode, written before a request is answered.

What it keeps: every resource of every account and region (saved whole after each change of the control plane
and each step of a background job), every dataset record (bulk imports and records put through the events API,
appended row by row, so a `put_events` that returned 200 is on disk), and each trained model (its saved state,
with the last record it had seen; events that came after are replayed into it on load). WAL with
`synchronous=NORMAL` makes each commit survive the process being killed (`kill -9`); only a crash of the machine
itself could lose the last commits. Everything lives inside the one file, under names the store makes: nothing
a request sends becomes a path.

Not kept: the lists behind recent `recommendationId`s (an event naming one from before a restart gets no implied
impressions) and campaigns' request counters (exploration draws continue from a new sequence).
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FILE_NAME = "personalize.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (account, region, arn));
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, dataset_arn TEXT NOT NULL, source TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_by_dataset ON records (dataset_arn, seq);
CREATE TABLE IF NOT EXISTS models (arn TEXT PRIMARY KEY, seen INTEGER NOT NULL, body BLOB NOT NULL);
"""


class Store:
    """The SQLite file under a data directory; one connection shared by all threads, behind a lock."""

    def __init__(self, directory: Path):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / FILE_NAME
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, statements: Iterable[tuple[str, Any]]) -> None:
        """Run the statements in one transaction: all are on disk when this returns, or none."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, parameters in statements:
                    if isinstance(parameters, list):
                        self._db.executemany(sql, parameters)
                    else:
                        self._db.execute(sql, parameters)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    # -- resources ----------------------------------------------------------------------------------------
    def save_resources(self, account: str, region: str, bodies: dict[str, bytes]) -> None:
        """The backend's resources, replacing what was saved for it (deleted ones go)."""
        self._write(
            [
                ("DELETE FROM resources WHERE account = ? AND region = ?", (account, region)),
                (
                    "INSERT INTO resources (account, region, arn, body) VALUES (?, ?, ?, ?)",
                    [(account, region, arn, body) for arn, body in bodies.items()],
                ),
            ]
        )

    def backends(self) -> list[tuple[str, str]]:
        return self._read("SELECT DISTINCT account, region FROM resources ORDER BY account, region")

    def resources(self, account: str, region: str) -> list[bytes]:
        rows = self._read("SELECT body FROM resources WHERE account = ? AND region = ?", (account, region))
        return [body for (body,) in rows]

    # -- dataset records --------------------------------------------------------------------------------
    def add_records(self, dataset_arn: str, source: str, bodies: list[str], replace_source: bool = False) -> None:
        """Append records (JSON objects); with `replace_source`, first drop the dataset's records of `source`."""
        statements: list[tuple[str, Any]] = []
        if replace_source:
            statements.append(("DELETE FROM records WHERE dataset_arn = ? AND source = ?", (dataset_arn, source)))
        insert = "INSERT INTO records (dataset_arn, source, body) VALUES (?, ?, ?)"
        statements.append((insert, [(dataset_arn, source, body) for body in bodies]))
        self._write(statements)

    def remove_records(self, dataset_arn: str, column: str, values: set[str]) -> None:
        """Drop the dataset's records whose field `column` holds one of `values`; the others keep their place."""
        doomed = "json_extract(body, ?) IN (SELECT value FROM json_each(?))"
        parameters = (dataset_arn, f'$."{column}"', json.dumps(sorted(values)))
        self._write([(f"DELETE FROM records WHERE dataset_arn = ? AND {doomed}", parameters)])

    def records(self, dataset_arn: str, after: int = 0) -> pd.DataFrame:
        """The dataset's records in the order they came, as stored (schema field names, plus `seq`, `source`)."""
        rows = self._read(
            "SELECT seq, source, body FROM records WHERE dataset_arn = ? AND seq > ? ORDER BY seq", (dataset_arn, after)
        )
        if not rows:
            return pd.DataFrame({"seq": pd.Series([], dtype="int64"), "source": pd.Series([], dtype="object")})
        frame = pd.read_json(io.StringIO("\n".join(body for _, _, body in rows)), lines=True, dtype=False)
        frame["seq"] = [seq for seq, _, _ in rows]
        frame["source"] = [source for _, source, _ in rows]
        return frame

    def last_record(self) -> int:
        return self._read("SELECT COALESCE(MAX(seq), 0) FROM records")[0][0]

    def forget_records_except(self, dataset_arns: set[str]) -> None:
        """Drop the records of datasets that no longer exist."""
        known = self._read("SELECT DISTINCT dataset_arn FROM records")
        gone = [(arn,) for (arn,) in known if arn not in dataset_arns]
        if gone:
            self._write([("DELETE FROM records WHERE dataset_arn = ?", gone)])

    # -- models ---------------------------------------------------------------------------------------------
    def save_model(self, arn: str, body: bytes, seen: int) -> None:
        self._write([("INSERT OR REPLACE INTO models (arn, seen, body) VALUES (?, ?, ?)", (arn, seen, body))])

    def model(self, arn: str) -> tuple[bytes, int] | None:
        rows = self._read("SELECT body, seen FROM models WHERE arn = ?", (arn,))
        return (rows[0][0], rows[0][1]) if rows else None

    def forget_models_except(self, arns: set[str]) -> None:
        gone = [(arn,) for (arn,) in self._read("SELECT arn FROM models") if arn not in arns]
        if gone:
            self._write([("DELETE FROM models WHERE arn = ?", gone)])


class RecordSink:
    """Where a dataset's table writes its records before it changes in memory."""

    def __init__(self, store: Store, dataset_arn: str):
        self.store, self.dataset_arn = store, dataset_arn

    def bulk(self, frame: pd.DataFrame, replace: bool) -> None:
        text = frame.to_json(orient="records", lines=True) if len(frame) else ""
        self.store.add_records(self.dataset_arn, "BULK", [line for line in text.split("\n") if line], replace)

    def put(self, rows: list[dict[str, Any]]) -> None:
        self.store.add_records(self.dataset_arn, "PUT", [json.dumps(row, default=_plain) for row in rows])

    def remove(self, column: str, values: set[str]) -> None:
        self.store.remove_records(self.dataset_arn, column, values)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a record value of type {type(value).__name__} cannot be stored")
