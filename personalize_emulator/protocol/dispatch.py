"""One entry point for the three services: find the operation, validate, call it, shape the answer or the error."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from typing import Any

from botocore import xform_name
from moto.iam.models import get_account_id_from
from werkzeug.wrappers import Request

from personalize_emulator.errors import (
    InternalFailure,
    InvalidInputException,
    InvalidSignatureException,
    NotImplementedOperation,
    PersonalizeError,
    SerializationException,
    UnknownOperationException,
)
from personalize_emulator.protocol import paging, registry
from personalize_emulator.protocol.serialization import shape_output, to_json
from personalize_emulator.protocol.service_models import (
    CONTROL_PLANE,
    EVENTS,
    RUNTIME,
    control_plane_operation,
    find_route,
    service_model,
)
from personalize_emulator.protocol.validation import validate

log = logging.getLogger("personalize_emulator")

_CONTENT_TYPE = {CONTROL_PLANE: "application/x-amz-json-1.1", RUNTIME: "application/json", EVENTS: "application/json"}
_HOST_REGION = re.compile(r"personalize(?:-runtime|-events)?\.([a-z0-9-]+)\.amazonaws\.com")
_SCOPE_REGION = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")
_ACCOUNT_ID = re.compile(r"\d{12}")
DEFAULT_REGION = "us-east-1"
_READ_ONLY = ("Describe", "List", "Get")


def handle(request: Request, backends: Any) -> tuple[int, dict[str, str], str]:
    """Serve one Personalize request (control plane, runtime or events) from `backends[account][region]`."""
    target = request.headers.get("X-Amz-Target")
    service = CONTROL_PLANE if target else _service_for_path(request.path)
    try:
        route = find_route(request.method, request.path, target)
        if route is None:
            raise _unknown_operation(target, request)
        operation = route.operation
        handler = registry.serving(operation)
        if handler is None:
            raise NotImplementedOperation(service, operation.name)
        body = _parse_body(request.get_data())
        validate(operation.input_shape, body)
        backend = _backend(backends, _account(request), _region(request))
        members = operation.input_shape.members if operation.input_shape else {}
        # Members the model does not name are ignored, as AWS ignores them (and they are no handler's parameter).
        params = {key: value for key, value in body.items() if key in members}
        if params.get("nextToken") is not None:
            params["nextToken"] = paging.open_token(params["nextToken"], operation.name, params)
        result = handler(backend, **{xform_name(key): value for key, value in params.items()})
        if result and result.get("nextToken"):
            result["nextToken"] = paging.seal(result["nextToken"], operation.name, params)
        if service == CONTROL_PLANE and not operation.name.startswith(_READ_ONLY):
            backend.persist()  # durable before the answer, under `serve --data-dir`
        else:
            backend.wait_durable()  # nothing the answer shows is lost to a kill -9
        payload = to_json(shape_output(operation.output_shape, result))
        return 200, _headers(service), payload
    except PersonalizeError as error:
        return _error(service, error)
    except Exception:  # a bug of ours: answer as AWS would, and keep the traceback
        log.exception("internal error serving %s %s", request.method, request.path)
        return _error(service, InternalFailure("personalize_emulator hit an internal error; see its log."))


def refuse(path: str, target: str | None, error: PersonalizeError) -> tuple[int, dict[str, str], str]:
    """The answer to a request refused before it is read (the server's size limit), shaped like any error."""
    return _error(CONTROL_PLANE if target else _service_for_path(path), error)


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
    except RecursionError:  # arrays or objects nested deeper than the parser's stack allows
        raise SerializationException("The request body is not valid JSON: it is nested too deeply.") from None
    if not isinstance(body, dict):
        raise SerializationException("The request body must be a JSON object.")
    return body


def _account(request: Request) -> str:
    """The caller's account, decided as moto decides it, so S3 and IAM resources line up."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if "x-moto-account-id" in request.headers:
        account = request.headers["x-moto-account-id"]
        if not _ACCOUNT_ID.fullmatch(account):  # it names state (and ARNs): only what AWS could name
            raise InvalidInputException(f"x-moto-account-id must be a 12-digit AWS account id, not {account[:40]!r}.")
        return account
    match = _ACCESS_KEY.search(request.headers.get("Authorization", ""))
    return get_account_id_from(match.group(1) if match else "AKIAEXAMPLE")


def _backend(backends: Any, account: str, region: str) -> Any:
    """The account's backend in `region`; a region the service is not in is refused as AWS refuses the scope."""
    try:
        return backends[account][region]
    except KeyError:
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{region[:40]}'."
        ) from None


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
