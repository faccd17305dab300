"""The metrics of a metric attribution: their expressions, and their values over interaction records.

A metric applies `SAMPLECOUNT()` or `SUM(Interactions.COLUMN)` / `SUM(Items.COLUMN)` to the events of one event
type, per event attribution source and per 15-minute window, as the guide defines them
(https://docs.aws.amazon.com/personalize/latest/dg/creating-metric-attribution.html,
https://docs.aws.amazon.com/personalize/latest/dg/metric-attributions.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import NUMERIC, AvroSchema
from personalize_emulator.errors import InvalidInputException

WINDOW = 15 * 60
UNDEFINED_SOURCE = "SOURCE_NAME_UNDEFINED"
REPORT_COLUMNS = ["METRIC_NAME", "EVENT_TYPE", "VALUE", "MATH_FUNCTION", "EVENT_ATTRIBUTION_SOURCE", "TIMESTAMP"]
_SAMPLECOUNT = re.compile(r"\s*SAMPLECOUNT\s*\(\s*\)\s*", re.IGNORECASE)
_SUM = re.compile(r"\s*SUM\s*\(\s*(INTERACTIONS|ITEMS)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Expression:
    function: str
    """`samplecount` or `sum`, as the S3 reports name it."""
    dataset_type: str | None = None
    """`INTERACTIONS` or `ITEMS` for a sum."""
    column: str | None = None


def parse_expression(text: str, schemas: dict[str, AvroSchema]) -> Expression:
    """The expression of a metric, its column matched to a numeric field of the dataset it names (`schemas`, by
    dataset type, are the group's); anything else is refused with `InvalidInputException`."""
    if _SAMPLECOUNT.fullmatch(text):
        return Expression("samplecount")
    match = _SUM.fullmatch(text)
    if not match:
        raise InvalidInputException(
            f"The expression {text!r} is not valid: use SUM(DatasetType.COLUMN_NAME), with DatasetType Interactions "
            "or Items, or SAMPLECOUNT()."
        )
    kind, column = match[1].upper(), match[2]
    schema = schemas.get(kind)
    if schema is None:
        raise InvalidInputException(
            f"The expression {text!r} sums a column of the {kind.title()} dataset, which the dataset group does not "
            "have; create it and import its data first."
        )
    field = next((f for f in schema.fields if f.name.upper() == column.upper()), None)
    if field is None or field.type not in NUMERIC:
        raise InvalidInputException(
            f"The expression {text!r} must sum a numeric column of the {kind.title()} dataset; "
            f"its numeric columns are {', '.join(f.name for f in schema.fields if f.type in NUMERIC) or 'none'}."
        )
    return Expression("sum", kind, field.name)


@dataclass(frozen=True)
class Metric:
    name: str
    event_type: str
    expression: Expression


def report(
    events: pd.DataFrame, metrics: list[Metric], item_value: Callable[[str, list[str]], np.ndarray]
) -> pd.DataFrame:
    """The metrics' values over `events` (interaction records with an `EVENT_ATTRIBUTION_SOURCE` column), one row per
    metric, source and 15-minute window, in the columns of the S3 report. `item_value(column, item_ids)` reads an
    Items column (NaN where an item has no value)."""
    rows = []
    for metric in metrics:
        chosen = events[events["EVENT_TYPE"] == metric.event_type] if "EVENT_TYPE" in events else events.iloc[:0]
        if chosen.empty:
            continue
        expression = metric.expression
        if expression.function == "samplecount":
            values = np.ones(len(chosen))
        elif expression.dataset_type == "ITEMS":
            values = item_value(str(expression.column), chosen["ITEM_ID"].tolist())
        else:
            values = pd.to_numeric(chosen[expression.column], errors="coerce").to_numpy(dtype=float)
        frame = pd.DataFrame(
            {
                "source": chosen["EVENT_ATTRIBUTION_SOURCE"].to_numpy(),
                "window": (chosen["TIMESTAMP"].to_numpy(dtype=np.int64) // WINDOW) * WINDOW,
                "value": values,
            }
        ).dropna(subset=["value"])
        sums = frame.groupby(["source", "window"], sort=True)["value"].sum()
        for source, window, value in zip(
            sums.index.get_level_values(0), sums.index.get_level_values(1), sums.to_numpy(), strict=True
        ):
            rows.append(
                (metric.name.upper(), metric.event_type.upper(), float(value), expression.function, source, int(window))
            )
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)
