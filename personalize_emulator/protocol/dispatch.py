"""One entry point for the three services: find the operation, validate, call it, shape the answer or the error."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from .. import operations
from ..errors import (
    InternalFailure,
    NotImplementedOperation,
    PersonalizeError,
    SerializationException,
    UnknownOperationException,
)
from .serialization import shape_output, to_json
from .service_models import CONTROL_PLANE, EVENTS, RUNTIME, control_plane_operation, find_route, service_model
from .validation import validate

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

log = logging.getLogger("personalize_emulator")

_CONTENT_TYPE = {CONTROL_PLANE: "application/x-amz-json-1.1", RUNTIME: "application/json", EVENTS: "application/json"}
_HOST_REGION = re.compile(r"personalize(?:-runtime|-events)?\.([a-z0-9-]+)\.amazonaws\.com")
_SCOPE_REGION = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")
DEFAULT_REGION = "us-east-1"


def handle(request: Request, backends: Any) -> tuple[int, dict[str, str], str]:
    """Serve one Personalize request (control plane, runtime or events) from `backends[account][region]`."""
    target = request.headers.get("X-Amz-Target")
    service = CONTROL_PLANE if target else _service_for_path(request.path)
    try:
        route = find_route(request.method, request.path, target)
        if route is None:
            raise _unknown_operation(target, request)
        operation = route.operation
        handler = operations.handler_for(operation.name)
        if handler is None:
            raise NotImplementedOperation(service, operation.name)
        body = _parse_body(request.get_data())
        validate(operation.input_shape, body)
        backend = backends[_account(request)][_region(request)]
        result = handler(backend, **{xform_name(key): value for key, value in body.items()})
        payload = to_json(shape_output(operation.output_shape, result))
        return 200, _headers(service), payload
    except PersonalizeError as error:
        return _error(service, error)
    except Exception:  # a bug of ours: answer as AWS would, and keep the traceback
        log.exception("internal error serving %s %s", request.method, request.path)
        return _error(service, InternalFailure("personalize_emulator hit an internal error; see its log."))


def _service_for_path(path: str) -> str:
    runtime_paths = {"/recommendations", "/personalize-ranking", "/action-recommendations"}
    return RUNTIME if path.rstrip("/") in runtime_paths else EVENTS if path != "/" else CONTROL_PLANE


def _unknown_operation(target: str | None, request: Request) -> PersonalizeError:
    if target:
        name = control_plane_operation(target) or target
        return UnknownOperationException(f"{name} is not an operation of Amazon Personalize.")
    return UnknownOperationException(f"No Amazon Personalize operation answers {request.method} {request.path}.")


def _parse_body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationException(f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict):
        raise SerializationException("The request body must be a JSON object.")
    return body


def _account(request: Request) -> str:
    """The caller's account, decided as moto decides it, so S3 and IAM resources line up."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if "x-moto-account-id" in request.headers:
        return request.headers["x-moto-account-id"]
    from moto.iam.models import get_account_id_from

    match = _ACCESS_KEY.search(request.headers.get("Authorization", ""))
    return get_account_id_from(match.group(1) if match else "AKIAEXAMPLE")


def _region(request: Request) -> str:
    match = _HOST_REGION.search(request.host or "") or _SCOPE_REGION.search(request.headers.get("Authorization", ""))
    return match.group(1) if match else DEFAULT_REGION


def _headers(service: str) -> dict[str, str]:
    return {"Content-Type": _CONTENT_TYPE[service], "x-amzn-RequestId": str(uuid.uuid4())}


def _error(service: str, error: PersonalizeError) -> tuple[int, dict[str, str], str]:
    status = error.default_status
    try:
        status = service_model(service).shape_for(error.code).metadata["error"]["httpStatusCode"]
    except Exception:  # the model does not list this error for this service: keep the type's default
        pass
    headers = _headers(service) | {"x-amzn-ErrorType": error.code}
    return status, headers, to_json({"__type": error.code, "message": error.message})
