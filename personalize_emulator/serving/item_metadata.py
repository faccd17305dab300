"""Item metadata in runtime answers: `metadataColumns` names columns of the Items dataset, and each item of the
answer carries their values, if the campaign or recommender was created with `enableMetadataWithRecommendations`.

AWS documents the request (the map key `ITEMS`, at most 10 columns, at most 50 results) and that values are
strings, not how they are written. The emulator writes each value as the dataset holds it: a categorical value
pipe-joined as imported ("Action|Comedy"), numbers in their shortest form ("42", "19.99"), booleans "true" or
"false"; a column the item has no value for is left out, and an item without a record gets `{}`. Column names
match the schema's without regard to case, and come back as the request wrote them.
"""

from __future__ import annotations

from typing import Any

from personalize_emulator.data.record_index import index_of
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.resources.datasets import dataset_of

MAX_COLUMNS = 10


def requested_columns(backend, deployed: Any, metadata_columns: dict[str, list[str]] | None) -> dict[str, str] | None:
    """The requested columns, each mapped to its schema field; None when the request asks for none. `deployed` is
    the campaign or recommender asked."""
    if not metadata_columns:
        return None
    if not deployed.returns_metadata:
        raise InvalidInputException(
            f"The {deployed.kind} {deployed.arn} does not return metadata: create or update it with "
            f"{deployed.config_member}.enableMetadataWithRecommendations set to true to use metadataColumns."
        )
    unknown = set(metadata_columns) - {"ITEMS"}
    if unknown:
        raise InvalidInputException(
            f"metadataColumns takes columns of the Items dataset under the key ITEMS; got {', '.join(sorted(unknown))}."
        )
    columns = metadata_columns.get("ITEMS") or []
    if len(columns) > MAX_COLUMNS:
        raise InvalidInputException(f"metadataColumns can name at most {MAX_COLUMNS} columns; got {len(columns)}.")
    dataset = dataset_of(backend, deployed.served.dataset_group_arn, "ITEMS")
    fields = {f.name.upper(): f.name for f in dataset.table.schema.fields} if dataset else {}
    missing = [c for c in columns if c.upper() not in fields]
    if missing:
        has = f"it has {', '.join(sorted(fields.values()))}" if dataset else "the dataset group has no Items dataset"
        raise InvalidInputException(f"metadataColumns names {missing[0]}, which is not a column of Items ({has}).")
    return {column: fields[column.upper()] for column in columns}


def metadata_of(backend, group_arn: str, item_ids: list[str], columns: dict[str, str]) -> list[dict[str, str]]:
    """For each item, its values of the requested columns, written as strings."""
    dataset = dataset_of(backend, group_arn, "ITEMS")
    if dataset is None:  # deleted since the request's columns were checked
        return [{} for _ in item_ids]
    index = index_of(dataset.table)
    out = []
    for item in item_ids:
        row = index.row_of.get(item)
        values = {} if row is None else {name: index.column(field)[row] for name, field in columns.items()}
        out.append({name: _text(value) for name, value in values.items() if value is not None})
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
