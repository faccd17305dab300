"""The three Personalize service models shipped inside botocore, and how a request finds its operation."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import botocore.session
from botocore.model import OperationModel, ServiceModel

CONTROL_PLANE = "personalize"
RUNTIME = "personalize-runtime"
EVENTS = "personalize-events"
SERVICES = (CONTROL_PLANE, RUNTIME, EVENTS)


@functools.cache
def service_model(service: str) -> ServiceModel:
    """The botocore model of one service; loaded once, it drives validation and response shapes."""
    return botocore.session.get_session().get_service_model(service)


@dataclass(frozen=True)
class Route:
    service: str
    operation: OperationModel


@functools.cache
def _rest_routes() -> dict[tuple[str, str], Route]:
    routes = {}
    for service in (RUNTIME, EVENTS):
        model = service_model(service)
        for name in model.operation_names:
            op = model.operation_model(name)
            routes[(op.http["method"], op.http["requestUri"])] = Route(service, op)
    return routes


def find_route(method: str, path: str, target: str | None) -> Route | None:
    """The operation a request names: `X-Amz-Target` on the control plane, method and path on runtime and events.

    All three services sign as `personalize`, so the signing name cannot tell them apart.
    """
    if target:
        prefix, _, name = target.partition(".")
        model = service_model(CONTROL_PLANE)
        if prefix == model.metadata["targetPrefix"] and name in model.operation_names:
            return Route(CONTROL_PLANE, model.operation_model(name))
        return None
    return _rest_routes().get((method.upper(), path.rstrip("/") or "/"))


def control_plane_operation(target: str | None) -> str | None:
    """The operation name in an `X-Amz-Target` header, whether or not the model knows it."""
    if not target or "." not in target:
        return None
    return target.partition(".")[2] or None


def rest_paths() -> list[str]:
    """Every REST path of the runtime and events services."""
    return sorted({path for (_, path) in _rest_routes()})
