"""Response shaping: the handler's dict, walked along the operation's output shape, becomes the JSON body.

Only members the model names are emitted, under the model's names; a key the model lacks is a bug in the
emulator and raises, so tests catch it instead of clients seeing an invented field.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from botocore.model import Shape


class UnknownMemberError(Exception):
    """A handler produced a member the output shape does not have."""


def shape_output(shape: Shape | None, value: dict[str, Any] | None) -> dict[str, Any]:
    if shape is None:
        return {}
    return _shape(shape, value or {}, shape.name)


def _shape(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, item in value.items():
            if item is None:
                continue
            member = shape.members.get(name)
            if member is None:
                raise UnknownMemberError(f"{path}.{name} is not in the output shape {shape.name}")
            out[name] = _shape(member, item, f"{path}.{name}")
        return out
    if kind == "list":
        return [_shape(shape.member, item, f"{path}[]") for item in value]
    if kind == "map":
        return {str(k): _shape(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, dt.datetime):
            return value.timestamp()
        return float(value)
    if kind in ("float", "double"):
        return float(value)
    if kind in ("integer", "long"):
        return int(value)
    if kind == "boolean":
        return bool(value)
    return value


def to_json(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))
