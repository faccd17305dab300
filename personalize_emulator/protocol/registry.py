"""The registry that joins operation names on the wire to the functions that serve them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel

Handler = Callable[..., dict[str, Any] | None]

_HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register `fn(backend, **snake_case_params)` as the server side of the operation `name`."""

    def register(fn: Handler) -> Handler:
        if name in _HANDLERS:
            raise RuntimeError(f"{name} is registered twice")
        _HANDLERS[name] = fn
        return fn

    return register


def handler_for(name: str) -> Handler | None:
    return _HANDLERS.get(name)


def serving(model: OperationModel) -> Handler | None:
    """The handler of `model`. Until a family of resources is served, its `List*` operations answer an empty list
    (there is nothing of it to list), so clean-up code that pages every list runs; a registered handler takes over."""
    handler = _HANDLERS.get(model.name)
    if handler is None and model.name.startswith("List"):
        lists = [name for name, member in model.output_shape.members.items() if member.type_name == "list"]
        return lambda backend, **request: dict.fromkeys(lists, [])
    return handler


def implemented() -> set[str]:
    return set(_HANDLERS)
