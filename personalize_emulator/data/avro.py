"""Avro schemas as Personalize reads them: parsed once, then checked against a dataset type's rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from personalize_emulator.errors import InvalidInputException

PRIMITIVES = {"string", "int", "long", "float", "double", "boolean"}
NUMERIC = {"int", "long", "float", "double"}
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Reserved fields and the Avro types they must have, by dataset type (the Personalize developer guide).
_RESERVED_TYPES = {
    "USER_ID": {"string"},
    "ITEM_ID": {"string"},
    "ACTION_ID": {"string"},
    "TIMESTAMP": {"long", "int"},
    "CREATION_TIMESTAMP": {"long", "int"},
    "EVENT_TYPE": {"string"},
    "EVENT_VALUE": {"float", "double"},
    "IMPRESSION": {"string"},
    "RECOMMENDATION_ID": {"string"},
    "EVENT_ATTRIBUTION_SOURCE": {"string"},
}
REQUIRED_FIELDS = {
    "INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"),
    "ITEMS": ("ITEM_ID",),
    "USERS": ("USER_ID",),
    "ACTIONS": ("ACTION_ID",),
    "ACTION_INTERACTIONS": ("USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"),
}
# Fields that do not count towards the metadata limit of a dataset type.
_NOT_METADATA = {
    "INTERACTIONS": {
        "USER_ID",
        "ITEM_ID",
        "TIMESTAMP",
        "EVENT_TYPE",
        "EVENT_VALUE",
        "IMPRESSION",
        "RECOMMENDATION_ID",
        "EVENT_ATTRIBUTION_SOURCE",
    },
    "ITEMS": {"ITEM_ID", "CREATION_TIMESTAMP"},
    "USERS": {"USER_ID"},
    "ACTIONS": {"ACTION_ID", "CREATION_TIMESTAMP"},
    "ACTION_INTERACTIONS": {"USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE", "IMPRESSION", "RECOMMENDATION_ID"},
}
# Reserved fields of one dataset type, and the types they must have: "For its type, use long and optionally type
# null" (the guide's schema page, for VALUE, ACTION_EXPIRATION_TIMESTAMP and REPEAT_FREQUENCY of Actions).
_RESERVED_BY_DATASET = {
    "ACTIONS": {name: {"long", "int"} for name in ("VALUE", "ACTION_EXPIRATION_TIMESTAMP", "REPEAT_FREQUENCY")}
}
METADATA_LIMITS = {"INTERACTIONS": 5, "ITEMS": 50, "USERS": 5, "ACTIONS": 10, "ACTION_INTERACTIONS": 5}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    nullable: bool = False
    categorical: bool = False
    textual: bool = False


@dataclass(frozen=True)
class AvroSchema:
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def parse_schema(text: str) -> AvroSchema:
    """Parse an Avro record schema, or raise `InvalidInputException` saying what is wrong with it."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InvalidInputException(f"The schema is not valid JSON: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "record":
        raise InvalidInputException(
            'The schema must be an Avro record: {"type": "record", "name": ..., "fields": [...]}.'
        )
    if not isinstance(doc.get("name"), str) or not _FIELD_NAME.fullmatch(doc["name"]):
        raise InvalidInputException("The schema record needs a valid name, such as Interactions, Items or Users.")
    raw_fields = doc.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise InvalidInputException("The schema must list its fields.")
    fields = [_parse_field(raw) for raw in raw_fields]
    # Names must differ once case and underscores are ignored: GENRES_FIELD_1 and GENRESFIELD1 clash (AWS's rule,
    # and the events API maps camelCase properties onto fields that way).
    seen: dict[str, str] = {}
    for f in fields:
        plain = f.name.replace("_", "").upper()
        if plain in seen:
            if seen[plain].upper() == f.name.upper():
                raise InvalidInputException(f"The schema defines the field {f.name} twice.")
            raise InvalidInputException(
                f"The fields {seen[plain]} and {f.name} have the same name once case and underscores are ignored; "
                "field names must be unique."
            )
        seen[plain] = f.name
    return AvroSchema(doc["name"], tuple(fields))


def _parse_field(raw: object) -> Field:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise InvalidInputException(f"Each schema field needs a name and a type; got {json.dumps(raw)[:200]}.")
    name = raw["name"]
    if not _FIELD_NAME.fullmatch(name):
        raise InvalidInputException(f"The field name {name!r} is not a valid Avro name.")
    kind, nullable = _field_type(name, raw.get("type"))
    categorical, textual = raw.get("categorical", False), raw.get("textual", False)
    if not isinstance(categorical, bool) or not isinstance(textual, bool):
        raise InvalidInputException(f"The field {name}: categorical and textual must be true or false.")
    if (categorical or textual) and kind != "string":
        attribute = "categorical" if categorical else "textual"
        raise InvalidInputException(f"The field {name} is {kind}; only string fields can be {attribute}.")
    reserved = _RESERVED_TYPES.get(name.upper())
    if reserved and kind not in reserved:
        raise InvalidInputException(
            f"The reserved field {name} must be of type {' or '.join(sorted(reserved))}, not {kind}."
        )
    return Field(name, kind, nullable, categorical, textual)


def _field_type(name: str, spec: object) -> tuple[str, bool]:
    if isinstance(spec, list) and len(spec) == 1:  # a union of one type, as AWS's default domain schemas write it
        spec = spec[0]
    if isinstance(spec, str) and spec in PRIMITIVES:
        return spec, False
    if isinstance(spec, list) and len(spec) == 2 and "null" in spec:
        other = spec[1] if spec[0] == "null" else spec[0]
        if isinstance(other, str) and other in PRIMITIVES:
            return other, True
    raise InvalidInputException(
        f"The field {name} has the type {json.dumps(spec)}; Personalize supports "
        f'{", ".join(sorted(PRIMITIVES))}, or a union of one of them with "null".'
    )


def check_for_dataset(schema: AvroSchema, dataset_type: str) -> None:
    """Raise `InvalidInputException` unless `schema` suits a dataset of `dataset_type`."""
    by_upper = {f.name.upper(): f for f in schema.fields}
    for required in REQUIRED_FIELDS[dataset_type]:
        field = by_upper.get(required)
        if field is None:
            raise InvalidInputException(
                f"The schema lacks the field {required}, which a dataset of type {dataset_type} requires."
            )
        if field.nullable:
            raise InvalidInputException(f"The field {required} cannot be nullable in a dataset of type {dataset_type}.")
    for name, types in _RESERVED_BY_DATASET.get(dataset_type, {}).items():
        field = by_upper.get(name)
        if field is not None and field.type not in types:
            raise InvalidInputException(
                f"The reserved field {field.name} of a dataset of type {dataset_type} must be of type long, "
                f"not {field.type}."
            )
    metadata = [f.name for f in schema.fields if f.name.upper() not in _NOT_METADATA[dataset_type]]
    limit = METADATA_LIMITS[dataset_type]
    if len(metadata) > limit:
        raise InvalidInputException(
            f"A dataset of type {dataset_type} can have at most {limit} metadata fields; "
            f"this schema has {len(metadata)}: {', '.join(metadata)}."
        )
    if dataset_type == "INTERACTIONS" and "CREATION_TIMESTAMP" in by_upper:
        raise InvalidInputException("CREATION_TIMESTAMP belongs in an ITEMS schema, not an INTERACTIONS schema.")
