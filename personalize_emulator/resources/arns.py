"""ARNs formed as Amazon Personalize forms them."""

from __future__ import annotations

import secrets

from personalize_emulator.errors import InvalidInputException

GLOBAL_PREFIX = "arn:aws:personalize:::"


def arn(region: str, account: str, resource: str) -> str:
    """`arn:aws:personalize:<region>:<account>:<resource>`, e.g. resource `dataset-group/movies`."""
    return f"arn:aws:personalize:{region}:{account}:{resource}"


def dataset_arn(group_arn: str, dataset_type: str) -> str:
    """Datasets are named by their group and upper-case type: `dataset/<group>/INTERACTIONS`."""
    prefix, _, group = group_arn.rpartition(":dataset-group/")
    return f"{prefix}:dataset/{group}/{dataset_type.upper()}"


def solution_version_arn(solution_arn: str) -> str:
    return f"{solution_arn}/{secrets.token_hex(4)}"


def solution_of(version_arn: str) -> str:
    """The solution a version ARN (`solution/<name>/<8 hex>`) belongs to."""
    return version_arn.rsplit("/", 1)[0]


DATASET_TYPES = ("INTERACTIONS", "ITEMS", "USERS", "ACTIONS", "ACTION_INTERACTIONS")


def event_tracker_arn(region: str, account: str) -> str:
    return arn(region, account, f"event-tracker/{secrets.token_hex(4)}")


def global_arn(kind: str, name: str) -> str:
    """Recipes, algorithms and feature transformations belong to no region or account."""
    return f"{GLOBAL_PREFIX}{kind}/{name}"


def kind_of(resource_arn: str) -> str:
    """The resource kind an ARN names: `dataset-group`, `solution-version`, `recipe`, ...

    Raises `InvalidInputException` for a string that is not a Personalize ARN.
    """
    parts = resource_arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "personalize" or "/" not in parts[5]:
        raise InvalidInputException(f"{resource_arn} is not a valid Amazon Personalize ARN.")
    kind, _, rest = parts[5].partition("/")
    if kind == "solution" and "/" in rest:
        return "solution-version"
    return kind


def region_of(resource_arn: str) -> str:
    return resource_arn.split(":", 5)[3]


def account_of(resource_arn: str) -> str:
    return resource_arn.split(":", 5)[4]


def name_of(resource_arn: str) -> str:
    return resource_arn.rsplit("/", 1)[-1]
