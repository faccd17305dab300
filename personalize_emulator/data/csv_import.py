"""CSV files read into a dataset's schema: header columns matched to fields by name, values coerced to types.

Any value that breaks the schema fails the whole import with a reason naming the file, the line and the
column, so that the dataset keeps the data it had. Columns the schema does not name are ignored.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.errors import JobFailed

# A TIMESTAMP this large (the year 5138 in seconds) is almost surely in milliseconds.
_LARGEST_SECONDS = 100_000_000_000
_TIME_FIELDS = {"TIMESTAMP", "CREATION_TIMESTAMP"}
# Longest values Personalize takes (its quotas page): ids 256 characters, impressions and categorical values 1,000.
_ID_FIELDS = {"USER_ID", "ITEM_ID", "ACTION_ID"}
_ID_MAX_CHARS = 256
_MAX_CHARS = 1000
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
# Avro's ranges: int and long are 32 and 64 bits, float is single precision.
_INTEGER_RANGES = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_FLOAT_MAX = float(np.finfo(np.float32).max)
_OTHER_BOMS = [
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
]


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
        for bom, encoding in _OTHER_BOMS:
            if data.startswith(bom):
                raise JobFailed(
                    f"{name}, line 1: the file starts with the byte order mark of {encoding}; "
                    "Personalize reads CSV files encoded in UTF-8."
                )
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            where = _where(data[: exc.start].decode("utf-8-sig"))
            raise JobFailed(
                f"{name}, {where}: the file is not UTF-8 encoded ({exc.reason} at byte {exc.start})."
            ) from None
        nul = self.text.find("\x00")
        if nul >= 0:  # UTF-16 without a byte order mark decodes as UTF-8 with a NUL byte after each ASCII one
            raise JobFailed(
                f"{name}, {_where(self.text[:nul])}: the file holds a NUL byte; is it UTF-16? "
                "Personalize reads CSV files encoded in UTF-8."
            )

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

    def check_records(self, header: list[str]) -> None:
        """Read the file with Python's strict reader: a quote that is not closed, a value that goes on after its
        closing quote, or a row with fewer values than the header fails, naming the line (and the column)."""
        try:
            for start, fields in self.records():
                if len(fields) < len(header):
                    raise JobFailed(
                        f"{self.name}, line {start}, column {header[len(fields)].strip()}: the row ends after "
                        f"{len(fields)} values, but the header names {len(header)} columns."
                    )
        except _BrokenRecord as broken:
            lines = self.text.splitlines()
            start = broken.line
            field = _broken_field("\n".join(lines[start - 1 :]))
            column = f", column {header[field].strip()}" if field is not None and field < len(header) else ""
            if "unexpected end of data" in broken.reason:
                why = "a quoted value is not closed before the end of the file"
            else:
                why = f"a quoted value goes on after its closing quote ({broken.reason})"
            raise JobFailed(f"{self.name}, line {start}{column}: {why}.") from None

    def fail(self, values: pd.Series, bad: pd.Series, field: Field, why: str, aws_words: str = "") -> JobFailed:
        """The failure at the first `bad` value: AWS's words where it has some, then file, line, column and why."""
        row = int(np.flatnonzero(bad.to_numpy(dtype=bool, na_value=False))[0])
        shown = str(values.iloc[row])[:100]
        where = f"{self.name}, line {self.line(row)}, column {field.name}: {why.format(value=shown)}"
        return JobFailed(f"{aws_words} {where}" if aws_words else where)


def _where(before: str) -> str:
    """`line N, column C` of the character that follows the text `before` (a file's start, decoded)."""
    line = before.count("\n") + 1
    if line == 1:
        return "line 1"
    header = before.split("\n", 1)[0].rstrip("\r").split(",")
    start = before.rfind("\n") + 1
    index, quoted = 0, False
    for char in before[start:]:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index += 1
    return f"line {line}, column {header[index].strip()}" if index < len(header) else f"line {line}"


def _broken_field(record: str) -> int | None:
    """The index of the value where quoting breaks in `record` (text from the start of a record): one whose
    quote never closes, or that goes on after its closing quote."""
    field, quoted, at_start, index = 0, False, True, 0
    while index < len(record):
        char = record[index]
        if quoted:
            if char == '"':
                if record[index + 1 : index + 2] == '"':
                    index += 1  # an escaped quote
                else:
                    quoted = False
                    following = record[index + 1 : index + 2]
                    if following not in (",", "\r", "\n", ""):
                        return field
        elif char == '"' and at_start:
            quoted = True
        elif char == ",":
            field, at_start = field + 1, True
            index += 1
            continue
        elif char in "\r\n":
            return None
        at_start = False
        index += 1
    return field if quoted else None


class _BrokenRecord(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _read_one(source: _Source, schema: AvroSchema, required: tuple[str, ...]) -> pd.DataFrame:
    header = source.header()
    _check_header(source.name, header, source.text)
    quoted = '"' in source.text
    if quoted:
        # pandas reads `"a"b` as `ab` where Python's strict reader refuses it: quoted files are checked strictly
        # (files without quotes, the common case, skip that second pass).
        source.check_records(header)
    try:
        raw = pd.read_csv(io.StringIO(source.text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise JobFailed(f"{source.name} is empty: a CSV file needs a header line naming the schema's fields.") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise source.malformed(len(header), str(exc)) from None
    if not isinstance(raw.index, pd.RangeIndex):
        # When the first rows have one value more than the header, pandas takes the first column as an index.
        raise source.malformed(len(header), "a row has more values than the header names columns")
    # pandas pads a row with fewer values than the header with empty ones. Without quotes, every comma separates
    # values, and pandas refuses rows with more values: the count of commas tells whether any row is short.
    if not quoted and source.text.count(",") != (len(raw) + 1) * (len(header) - 1):
        source.check_records(header)
    columns = _match_columns(source.name, list(raw.columns), schema, required)
    out = {}
    for field in schema.fields:
        column = columns.get(field.name)
        if column is None:
            out[field.name] = pd.Series([None] * len(raw), dtype="object")
        else:
            out[field.name] = _coerce(source, field, raw[column])
    return pd.DataFrame(out)


def _check_header(name: str, header: list[str], text: str) -> None:
    """Header names are unquoted (AWS's guide: "Don't enclose headers in quotation marks"), and none repeats
    (pandas would rename a repeat `A.1`, so repeats are caught on the raw header)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if '"' in first_line:
        quoted = next((column for column in header if f'"{column}' in first_line), header[0] if header else "")
        raise JobFailed(
            f"{name}, line 1, column {quoted.strip()}: the header encloses the column name in quotation marks; "
            "Personalize reads header names unquoted."
        )
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
        raise JobFailed(  # AWS's words (the guide's "Common error messages"), then where and what was found
            f"Input CSV is missing the following columns:[{', '.join(missing)}]. {name}, line 1: "
            f"the header has {', '.join(map(str, header))}."
        )
    return matched


def too_long(limit: int, column: str) -> str:
    """AWS's words for a value over its length limit (the guide's "Common error messages")."""
    return (
        f"Length cannot be more than {limit} characters for {column}. If no values exceed the character limit, make "
        "sure your data follows the formatting guidelines listed in "
        "https://docs.aws.amazon.com/personalize/latest/dg/data-prep-formatting.html."
    )


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
                raise source.fail(
                    values, long_, field, f"{what} is limited to {limit} characters.", too_long(limit, field.name)
                )
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
            as_float = numbers.astype("float64")
            too_big = (as_float >= _LARGEST_SECONDS) & (as_float < _LARGEST_SECONDS * 1000)
            if too_big.any():
                why = "'{value}' looks like milliseconds; Personalize expects seconds since the Unix epoch."
                raise source.fail(values, too_big, field, why)
            far = as_float >= _LARGEST_SECONDS * 1000
            if far.any():
                why = "'{value}' is too large for seconds since the Unix epoch, which Personalize expects."
                raise source.fail(values, far, field, why)
        low, high = _INTEGER_RANGES[field.type]
        outside = ((numbers < low) | (numbers > high)).fillna(False)
        if outside.any():
            why = f"'{{value}}' is out of the range of a {field.type} ({low} to {high})."
            raise source.fail(values, outside, field, why)
        return numbers.astype("Int64")
    if field.type == "float":
        outside = (numbers.abs() > _FLOAT_MAX).fillna(False)
        if outside.any():
            raise source.fail(
                values, outside, field, f"'{{value}}' is out of the range of a float (+-{_FLOAT_MAX:.7g})."
            )
    return numbers.astype("float64")
