"""The datasets of a Domain dataset group: each domain's required fields and reserved keywords per dataset type, on
top of the rules every dataset follows (`avro.check_for_dataset`).

From the developer guide's "VIDEO_ON_DEMAND datasets and schemas" and "ECOMMERCE datasets and schemas" pages:
reserved keywords are optional, but "you must define the fields as their required data type when you use them.
Reserved categorical string fields must have `categorical` set to `true`, while reserved string fields can't be
categorical". A Users dataset needs "1 metadata field (categorical `string` or numerical)". Neither page says
whether the domain's own required fields (GENRES, PRICE, ...) may be nullable: they may be here. AWS's messages
for these refusals are not public; ours name the field, the rule and the domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from personalize_emulator.data.avro import NUMERIC, AvroSchema, Field
from personalize_emulator.errors import InvalidInputException

NO_DOMAIN_DATASETS = ("ACTIONS", "ACTION_INTERACTIONS")


@dataclass(frozen=True)
class Kind:
    """The type a domain gives a field: Avro types, and what `categorical` and `textual` must be."""

    types: frozenset[str]
    categorical: bool = False
    textual: bool = False

    def describe(self) -> str:
        attribute = "categorical " if self.categorical else "textual " if self.textual else ""
        return f"a {attribute}{' or '.join(sorted(self.types))}"


STRING = Kind(frozenset({"string"}))
CATEGORICAL = Kind(frozenset({"string"}), categorical=True)
TEXTUAL = Kind(frozenset({"string"}), textual=True)
LONG = Kind(frozenset({"long", "int"}))
FLOAT = Kind(frozenset({"float", "double"}))

_INTERACTIONS_REQUIRED = {"USER_ID": STRING, "ITEM_ID": STRING, "TIMESTAMP": LONG, "EVENT_TYPE": STRING}
_INTERACTIONS_RESERVED = {
    "EVENT_VALUE": FLOAT,
    "IMPRESSION": STRING,
    "RECOMMENDATION_ID": STRING,
    "EVENT_ATTRIBUTION_SOURCE": STRING,
}

REQUIRED: dict[str, dict[str, dict[str, Kind]]] = {
    "VIDEO_ON_DEMAND": {
        "INTERACTIONS": _INTERACTIONS_REQUIRED,
        "ITEMS": {"ITEM_ID": STRING, "GENRES": CATEGORICAL, "CREATION_TIMESTAMP": LONG},
        "USERS": {"USER_ID": STRING},
    },
    "ECOMMERCE": {
        "INTERACTIONS": _INTERACTIONS_REQUIRED,
        "ITEMS": {"ITEM_ID": STRING, "PRICE": FLOAT, "CATEGORY_L1": CATEGORICAL},
        "USERS": {"USER_ID": STRING},
    },
}
RESERVED: dict[str, dict[str, dict[str, Kind]]] = {
    "VIDEO_ON_DEMAND": {
        "INTERACTIONS": _INTERACTIONS_RESERVED,
        "ITEMS": {
            "PRICE": FLOAT,
            "DURATION": FLOAT,
            "GENRE_L2": CATEGORICAL,
            "GENRE_L3": CATEGORICAL,
            "AVERAGE_RATING": FLOAT,
            "PRODUCT_DESCRIPTION": TEXTUAL,
            "CONTENT_OWNER": CATEGORICAL,
            "CONTENT_CLASSIFICATION": CATEGORICAL,
        },
        "USERS": {"SUBSCRIPTION_MODEL": CATEGORICAL},
    },
    "ECOMMERCE": {
        "INTERACTIONS": _INTERACTIONS_RESERVED,
        "ITEMS": {
            "CATEGORY_L2": CATEGORICAL,
            "CATEGORY_L3": CATEGORICAL,
            "PRODUCT_DESCRIPTION": TEXTUAL,
            "CREATION_TIMESTAMP": LONG,
            "AGE_GROUP": CATEGORICAL,
            "ADULT": CATEGORICAL,
            "GENDER": CATEGORICAL,
        },
        "USERS": {},
    },
}


def check_dataset_type(dataset_type: str, domain: str) -> None:
    """A domain group holds Interactions, Items and Users datasets only (the guide's "Amazon Personalize
    workflow" page)."""
    if dataset_type in NO_DOMAIN_DATASETS:
        raise InvalidInputException(
            "You can't create next best action resources, including Actions and Action Interactions datasets, "
            f"in a domain dataset group; this one is a {domain} dataset group."
        )


def check_for_domain(schema: AvroSchema, dataset_type: str, domain: str) -> None:
    """Raise `InvalidInputException` unless `schema` suits a dataset of `dataset_type` in a `domain` group."""
    where = f"{domain} {dataset_type} datasets"
    by_upper = {f.name.upper(): f for f in schema.fields}
    for name, kind in REQUIRED[domain][dataset_type].items():
        field = by_upper.get(name)
        if field is None:
            raise InvalidInputException(
                f"The schema lacks the field {name} ({kind.describe()}), which {where} require."
            )
        _check_kind(field, kind, where, "required")
    for name, kind in RESERVED[domain][dataset_type].items():
        if name in by_upper:
            _check_kind(by_upper[name], kind, where, "reserved")
    if dataset_type == "USERS" and not any(
        f.name.upper() != "USER_ID" and (f.categorical or f.type in NUMERIC) for f in schema.fields
    ):
        raise InvalidInputException(
            f"{where} need at least one metadata field besides USER_ID, either a categorical string or a number."
        )


def _check_kind(field: Field, kind: Kind, where: str, role: str) -> None:
    if field.type not in kind.types or field.categorical != kind.categorical or field.textual != kind.textual:
        raise InvalidInputException(f"The {role} field {field.name} of {where} must be {kind.describe()}.")
