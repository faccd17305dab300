r"""Request validation against the botocore shapes, as the service checks it on the server.

botocore's client checks only required members, types and minimums; max lengths, patterns, enums and
ranges reach the server, so they are checked here. Messages follow AWS's
"1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ..." form.

Two rules go beyond the models, so that nothing a client sends can name a path or break a file when the
state is kept on disk: a Personalize ARN must be made of names (the model's `Arn` pattern,
`arn:([a-z\d-]+):personalize:.*:.*:.+`, lets `../`, NUL and slashes through, and no ARN of that form can name a
resource, whose names all match `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`); and text must be Unicode, so a lone surrogate
(`\ud800` escaped in JSON), which Python decodes but cannot encode as UTF-8, is refused, in members and inside
the JSON strings of `properties`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

import regex
from botocore.model import Shape

from personalize_emulator.errors import InvalidInputException, SerializationException

_SHOWN_CHARS = 256
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What a Personalize ARN can be: partition, region, account, then a kind and names (a dataset's type, a
# solution version's id and the catalogue's names are names too).
_NAME = r"[a-zA-Z0-9][a-zA-Z0-9\-_]*"
_PERSONALIZE_ARN = re.compile(rf"arn:[a-z\d-]+:personalize:[a-z0-9-]*:\d*:[a-z-]+(?:/{_NAME})+")
_ARN_RULE = (
    "Member must be the ARN of an Amazon Personalize resource, arn:<partition>:personalize:<region>:<account>:"
    f"<kind>/<name>, each name matching ^{_NAME}"
)


@functools.cache
def _pattern(expr: str) -> regex.Pattern:
    # AWS matches the whole value (Java's Matcher.matches); `regex` understands \p{L} and \p{ASCII}.
    return regex.compile(expr)


def validate(shape: Shape | None, value: Any) -> None:
    """Raise `InvalidInputException` listing every constraint `value` breaks, or `SerializationException`
    when a member has the wrong JSON type."""
    if shape is None:
        return
    if not isinstance(value, dict):
        raise SerializationException("The request body must be a JSON object.")
    problems: list[str] = []
    _check(shape, value, "", problems)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise InvalidInputException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def _show(value: Any) -> str:
    text = str(value)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "..."
    return f"'{text}'"


def _type_error(path: str, expected: str, value: Any) -> SerializationException:
    return SerializationException(
        f"Expected {expected} at '{path or 'body'}' but found {type(value).__name__ if value is not None else 'null'}."
    )


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(
                    f"Value null at '{_join(path, name)}' failed to satisfy constraint: Member must not be null"
                )
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is not None and member_value is not None:
                _check(member, member_value, _join(path, name), problems)
    elif kind == "list":
        if not isinstance(value, list):
            raise _type_error(path, "a list", value)
        _check_size(shape, len(value), value, path, problems, "length")
        for index, item in enumerate(value, start=1):
            if item is None:
                problems.append(
                    f"Value null at '{path}.{index}.member' failed to satisfy constraint: Member must not be null"
                )
            else:
                _check(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        _check_size(shape, len(value), value, path, problems, "length")
        for key, item in value.items():
            _check(shape.key, key, f"{path}.{key}.key", problems)
            if item is None:
                problems.append(
                    f"Value null at '{path}.{key}.value' failed to satisfy constraint: Member must not be null"
                )
            else:
                _check(shape.value, item, f"{path}.{key}.value", problems)
    elif kind == "string":
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        _check_text(value, path)
        _check_size(shape, len(value), value, path, problems, "length")
        pattern = shape.metadata.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            problems.append(_constraint(value, path, f"Member must satisfy regular expression pattern: {pattern}"))
        elif shape.name == "Arn" and not _PERSONALIZE_ARN.fullmatch(value):
            problems.append(_constraint(value, path, _ARN_RULE))
        if shape.serialization.get("jsonvalue"):
            _check_json_value(value, path)
        if shape.enum and value not in shape.enum:
            problems.append(_constraint(value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(path, "an integer", value)
        _check_size(shape, value, value, path, problems, "value")
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _type_error(path, "a number", value)
        _check_size(shape, value, value, path, problems, "value")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _type_error(path, "a boolean", value)
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _type_error(path, "a timestamp in epoch seconds", value)


def _check_text(value: str, path: str) -> None:
    """Refuse a lone surrogate: JSON can escape one, but it is no Unicode character and cannot be stored."""
    found = _LONE_SURROGATE.search(value)
    if found:
        raise SerializationException(
            f"The string at '{path or 'body'}' holds a lone surrogate (\\u{ord(found.group()):04x}), "
            "which is not a Unicode character."
        )


def _check_json_value(value: str, path: str) -> None:
    """A member that holds JSON text (`properties`): what it decodes to must be text too. Text that is not JSON
    is the handler's to refuse, with AWS's words; JSON too deeply nested to decode is refused with them here."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return
    except RecursionError:
        raise InvalidInputException("Error parsing properties json") from None
    stack = [decoded]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_text(key, path)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def _check_size(shape: Shape, size: float, value: Any, path: str, problems: list[str], what: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low:
        problems.append(_constraint(value, path, f"Member must have {what} greater than or equal to {low}"))
    if high is not None and size > high:
        problems.append(_constraint(value, path, f"Member must have {what} less than or equal to {high}"))


def _constraint(value: Any, path: str, rule: str) -> str:
    return f"Value {_show(value)} at '{path}' failed to satisfy constraint: {rule}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
