"""CSV files read into a dataset's schema: header columns matched to fields by name, values coerced to types.

Any value that breaks the schema fails the whole import with a reason naming the file, the line and the
column, so that the dataset keeps the data it had. Columns the schema does not name are ignored.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from .avro import AvroSchema, Field
from .lifecycle import JobFailed

# A TIMESTAMP this large (the year 5138 in seconds) is almost surely in milliseconds.
_LARGEST_SECONDS = 100_000_000_000
_TIME_FIELDS = {"TIMESTAMP", "CREATION_TIMESTAMP"}
# Longest values Personalize takes (its quotas page): ids 256 characters, impressions and categorical values 1,000.
_ID_FIELDS = {"USER_ID", "ITEM_ID", "ACTION_ID"}
_ID_MAX_CHARS = 256
_MAX_CHARS = 1000
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def read_csvs(objects: list[tuple[str, bytes]], schema: AvroSchema, required: tuple[str, ...]) -> pd.DataFrame:
    """All `objects` (name, bytes) parsed into one frame with the schema's columns and types."""
    frames = [_read_one(_Source(name, data), schema, required) for name, data in objects]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


class _Source:
    """One CSV file: its name and text, and where its records start (worked out only to report a failure)."""

    def __init__(self, name: str, data: bytes):
        self.name = name
        if not data.strip():
            raise JobFailed(f"{name} is empty: a CSV file needs a header line naming the schema's fields.")
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise JobFailed(
                f"{name}, line {line}: the file is not UTF-8 encoded ({exc.reason} at byte {exc.start})."
            ) from None

    def records(self):
        """(first line, fields) of each record, blank lines skipped as pandas skips them; the header first."""
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        start = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _BrokenRecord(start, str(exc)) from None
            if fields:
                yield start, fields
            start = reader.line_num + 1

    def header(self) -> list[str]:
        try:
            return next(fields for _, fields in self.records())
        except (StopIteration, _BrokenRecord):
            return []

    def line(self, row: int) -> int:
        """The line on which data row `row` (0-based, after the header) starts."""
        for index, (start, _) in enumerate(self.records()):
            if index == row + 1:
                return start
        return row + 2

    def malformed(self, width: int, fallback: str) -> JobFailed:
        """Why the file is not well-formed CSV, naming the first line that breaks it."""
        try:
            for index, (start, fields) in enumerate(self.records()):
                if index and len(fields) > width:
                    return JobFailed(
                        f"{self.name}, line {start}: the row has {len(fields)} values, "
                        f"but the header names {width} columns."
                    )
        except _BrokenRecord as broken:
            why = (
                "a quoted value is not closed before the end of the file"
                if "unexpected end of data" in broken.reason
                else f"the quoting is broken ({broken.reason})"
            )
            return JobFailed(f"{self.name}, line {broken.line}: {why}.")
        return JobFailed(f"{self.name}: the CSV is malformed: {fallback.strip()}")

    def fail(self, values: pd.Series, bad: pd.Series, field: Field, why: str) -> JobFailed:
        row = int(np.flatnonzero(bad.to_numpy(dtype=bool, na_value=False))[0])
        shown = str(values.iloc[row])[:100]
        return JobFailed(f"{self.name}, line {self.line(row)}, column {field.name}: {why.format(value=shown)}")


class _BrokenRecord(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _read_one(source: _Source, schema: AvroSchema, required: tuple[str, ...]) -> pd.DataFrame:
    header = source.header()
    _check_header(source.name, header)
    try:
        raw = pd.read_csv(io.StringIO(source.text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise JobFailed(f"{source.name} is empty: a CSV file needs a header line naming the schema's fields.") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise source.malformed(len(header), str(exc)) from None
    columns = _match_columns(source.name, list(raw.columns), schema, required)
    out = {}
    for field in schema.fields:
        column = columns.get(field.name)
        if column is None:
            out[field.name] = pd.Series([None] * len(raw), dtype="object")
        else:
            out[field.name] = _coerce(source, field, raw[column])
    return pd.DataFrame(out)


def _check_header(name: str, header: list[str]) -> None:
    """pandas renames a repeated column (`A`, `A.1`), so repeats are caught on the raw header."""
    seen: set[str] = set()
    for column in header:
        key = column.strip().upper()
        if key in seen:
            raise JobFailed(f"{name}, line 1: the header names the column {column.strip()} twice.")
        seen.add(key)


def _match_columns(name: str, header: list[str], schema: AvroSchema, required: tuple[str, ...]) -> dict[str, str]:
    """Schema field -> CSV column, matched by name case-insensitively, in any order."""
    by_upper = {str(column).strip().upper(): column for column in header}
    matched = {f.name: by_upper[f.name.upper()] for f in schema.fields if f.name.upper() in by_upper}
    missing = [f.name for f in schema.fields if f.name not in matched and (not f.nullable or f.name in required)]
    if missing:
        raise JobFailed(
            f"Input csv is missing the following columns: [{', '.join(missing)}] ({name}, line 1; "
            f"the header has {', '.join(map(str, header))})."
        )
    return matched


def _coerce(source: _Source, field: Field, values: pd.Series) -> pd.Series:
    empty = values.str.len() == 0
    if not field.nullable and empty.any():
        raise source.fail(values, empty, field, "the value is empty, but the field is not nullable.")
    if field.type == "string":
        name = field.name.upper()
        if name in _ID_FIELDS:
            limit, what = _ID_MAX_CHARS, "an id"
        elif name == "IMPRESSION":
            limit, what = _MAX_CHARS, "an impression list"
        elif field.categorical:
            limit, what = _MAX_CHARS, "a categorical value"
        else:
            limit = None
        if limit is not None:
            long_ = values.str.len() > limit
            if long_.any():
                raise source.fail(values, long_, field, f"{what} is limited to {limit} characters.")
        return values.where(~empty, None) if empty.any() else values
    if field.type == "boolean":
        lowered = values.str.strip().str.lower()
        bad = ~empty & ~lowered.isin(_TRUE | _FALSE)
        if bad.any():
            raise source.fail(values, bad, field, "'{value}' is not a boolean.")
        return lowered.map(lambda v: True if v in _TRUE else False if v in _FALSE else None).astype("boolean")
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = ~empty & ~np.isfinite(numbers.astype("float64"))
    if bad.any():
        raise source.fail(values, bad, field, f"'{{value}}' is not a {field.type}.")
    if field.type in ("int", "long"):
        fractional = numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
        if fractional.any():
            why = f"'{{value}}' is not a whole number, as a {field.type} must be."
            raise source.fail(values, fractional, field, why)
        if field.name.upper() in _TIME_FIELDS:
            too_big = (numbers >= _LARGEST_SECONDS).fillna(False)
            if too_big.any():
                why = "'{value}' looks like milliseconds; Personalize expects seconds since the Unix epoch."
                raise source.fail(values, too_big, field, why)
        return numbers.astype("Int64")
    return numbers.astype("float64")
