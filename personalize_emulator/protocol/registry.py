"""The registry that joins operation names on the wire to the functions that serve them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def implemented() -> set[str]:
    return set(_HANDLERS)
