"""Records sent through the events API: the `properties` JSON string mapped onto schema fields and typed.

Keys are camelCase on the wire and match schema fields by name without underscores, case-insensitively:
`numberOfRatings` is `NUMBER_OF_RATINGS`, `cabinType` is `CABIN_TYPE`.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.errors import InvalidInputException

log = logging.getLogger("personalize_emulator")


def _plain(name: str) -> str:
    return name.replace("_", "").lower()


def parse_properties(text: str | None, where: str) -> dict[str, Any]:
    """The `properties` JSON object; anything else is refused with AWS's exact words."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        log.warning("%s: properties is not a JSON object: %.100r", where, text)
        raise InvalidInputException("Error parsing properties json")
    return value


def build_record(
    schema: AvroSchema,
    properties: dict[str, Any],
    fixed: dict[str, Any],
    where: str,
    reserved: frozenset[str] = frozenset(),
    complete: bool = True,
) -> dict[str, Any]:
    """A row for `schema`: `fixed` fields (ids, timestamps) plus `properties` mapped onto the other fields.

    Keys in `reserved` (compared without case) are refused, as AWS refuses them; keys that match no field
    are ignored, as AWS ignores them, with a warning in the log so a misspelt key does not go unnoticed. With
    `complete`, a field the schema requires must have a value; without, it is left empty (null).
    """
    by_plain = {_plain(f.name): f for f in schema.fields}
    fields = {name: schema.field(name) for name in fixed}
    record: dict[str, Any] = {
        name: coerce(field, value, where) for name, value in fixed.items() if (field := fields[name]) is not None
    }
    for key, value in properties.items():
        if key.lower() in reserved:
            raise InvalidInputException(f"{where}: {key} cannot be a key of properties; send it as its own member.")
        field = by_plain.get(_plain(key))
        if field is None:
            log.warning(
                "%s: the property %r matches no field of the schema (%s); ignored", where, key, ", ".join(schema.names)
            )
            continue
        if field.name in fixed:
            continue
        record[field.name] = coerce(field, value, where)
    missing = [f.name for f in schema.fields if not f.nullable and record.get(f.name) is None]
    if missing and complete:
        raise InvalidInputException(f"{where}: the record lacks {', '.join(missing)}, which the schema requires.")
    return record


def coerce(field: Field, value: Any, where: str) -> Any:
    """`value` as the schema field's type, or `InvalidInputException` naming the field."""
    if value is None or value == "":
        return None
    try:
        if field.type == "string":
            if isinstance(value, str):
                return value
            return json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        if field.type == "boolean":
            if isinstance(value, bool):
                return value
            lowered = str(value).strip().lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            raise ValueError
        number = float(value)
        if not math.isfinite(number):
            raise ValueError
        if field.type in ("int", "long"):
            if number != int(number):
                raise ValueError
            return int(number)
        return number
    except (TypeError, ValueError):
        raise InvalidInputException(f"{where}: {field.name} must be a {field.type}; got {value!r}.") from None
