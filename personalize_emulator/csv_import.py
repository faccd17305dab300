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
_IMPRESSION_MAX_CHARS = 1000
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def read_csvs(objects: list[tuple[str, bytes]], schema: AvroSchema, required: tuple[str, ...]) -> pd.DataFrame:
    """All `objects` (name, bytes) parsed into one frame with the schema's columns and types."""
    frames = [_read_one(name, data, schema, required) for name, data in objects]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _read_one(name: str, data: bytes, schema: AvroSchema, required: tuple[str, ...]) -> pd.DataFrame:
    if not data.strip():
        raise JobFailed(f"{name} is empty: a CSV file needs a header line naming the schema's fields.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JobFailed(f"{name}, line {line}: the file is not UTF-8 encoded ({exc.reason} at byte {exc.start}).") from None
    try:
        raw = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8", skipinitialspace=False
        )
    except pd.errors.ParserError as exc:
        raise JobFailed(f"{name}: the CSV is malformed: {exc}") from None
    except pd.errors.EmptyDataError:
        raise JobFailed(f"{name} is empty: a CSV file needs a header line naming the schema's fields.") from None
    except csv.Error as exc:
        raise JobFailed(f"{name}: the CSV is malformed: {exc}") from None
    columns = _match_columns(name, list(raw.columns), schema, required)
    out = {}
    for field in schema.fields:
        column = columns.get(field.name)
        if column is None:
            out[field.name] = pd.Series([None] * len(raw), dtype="object")
        else:
            out[field.name] = _coerce(name, field, raw[column])
    return pd.DataFrame(out)


def _match_columns(name: str, header: list[str], schema: AvroSchema, required: tuple[str, ...]) -> dict[str, str]:
    """Schema field -> CSV column, matched by name case-insensitively, in any order."""
    by_upper: dict[str, str] = {}
    for column in header:
        key = str(column).strip().upper()
        if key in by_upper:
            raise JobFailed(f"{name}, line 1: the header names the column {column} twice.")
        by_upper[key] = column
    matched = {f.name: by_upper[f.name.upper()] for f in schema.fields if f.name.upper() in by_upper}
    missing = [f.name for f in schema.fields if f.name not in matched and (not f.nullable or f.name in required)]
    if missing:
        raise JobFailed(
            f"Input csv is missing the following columns: [{', '.join(missing)}] ({name}, line 1; "
            f"the header has {', '.join(map(str, header))})."
        )
    return matched


def _fail(name: str, values: pd.Series, bad: pd.Series, field: Field, why: str) -> JobFailed:
    row = int(np.flatnonzero(bad.to_numpy())[0])
    shown = str(values.iloc[row])[:100]
    return JobFailed(f"{name}, line {row + 2}, column {field.name}: {why.format(value=shown)}")


def _coerce(name: str, field: Field, values: pd.Series) -> pd.Series:
    empty = values.str.len() == 0
    if not field.nullable and empty.any():
        raise _fail(name, values, empty, field, "the value is empty, but the field is not nullable.")
    if field.type == "string":
        if field.name.upper() == "IMPRESSION":
            long_ = values.str.len() > _IMPRESSION_MAX_CHARS
            if long_.any():
                raise _fail(name, values, long_, field, f"an impression list is limited to {_IMPRESSION_MAX_CHARS} characters.")
        return values.where(~empty, None) if empty.any() else values
    if field.type == "boolean":
        lowered = values.str.strip().str.lower()
        bad = ~empty & ~lowered.isin(_TRUE | _FALSE)
        if bad.any():
            raise _fail(name, values, bad, field, "'{value}' is not a boolean.")
        return lowered.map(lambda v: True if v in _TRUE else False if v in _FALSE else None).astype("boolean")
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = ~empty & numbers.isna()
    if bad.any():
        raise _fail(name, values, bad, field, f"'{{value}}' is not a {field.type}.")
    if field.type in ("int", "long"):
        fractional = numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
        if fractional.any():
            raise _fail(name, values, fractional, field, f"'{{value}}' is not a whole number, as a {field.type} must be.")
        if field.name.upper() in _TIME_FIELDS:
            too_big = numbers >= _LARGEST_SECONDS
            if too_big.any():
                raise _fail(
                    name, values, too_big.fillna(False), field,
                    "'{value}' looks like milliseconds; Personalize expects seconds since the Unix epoch.",
                )
        return numbers.astype("Int64")
    return numbers.astype("float64")
