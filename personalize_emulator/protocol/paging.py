"""`nextToken` / `maxResults` paging, as botocore's paginators expect it, with tokens as AWS hands them out: opaque,
and good only for the next page of the same list (the same operation, with the same filter).

A handler pages with a plain offset (`page`); the dispatcher seals the token it returns (`seal`) and opens the
one a request brings (`open_token`), so no handler deals with the binding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

from personalize_emulator.errors import InvalidNextTokenException

DEFAULT_PAGE_SIZE = 100
# Members that do not choose the list: a paginator may change the page size between pages.
_NOT_FILTERS = {"nextToken", "maxResults"}
_DIGEST = 16
_KEY = secrets.token_bytes(32)  # per process: a token is good only where it was handed out
INVALID = "The token is not valid."  # botocore's documentation of InvalidNextTokenException


def page(items: list[Any], key: str, next_token: str | None = None, max_results: int | None = None) -> dict[str, Any]:
    """One page of `items` under `key`, with a `nextToken` (an offset, sealed by the dispatcher) when more remain."""
    start = _offset(next_token) if next_token else 0
    size = max_results or DEFAULT_PAGE_SIZE
    out: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        out["nextToken"] = str(start + size)
    return out


def seal(token: str, operation: str, request: dict[str, Any]) -> str:
    """The token a client sees: the handler's `token` (a short offset), masked, and bound by a MAC to the operation
    and the request's filter."""
    digest = _digest(token, operation, request)
    return base64.urlsafe_b64encode(digest + _mask(token.encode(), digest)).decode()


def open_token(sealed: str, operation: str, request: dict[str, Any]) -> str:
    """The handler's token inside `sealed`; `InvalidNextTokenException` if it was not handed out by this operation
    for this filter."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        token = _mask(raw[_DIGEST:], raw[:_DIGEST]).decode()
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidNextTokenException(INVALID) from None
    if not hmac.compare_digest(raw[:_DIGEST], _digest(token, operation, request)):
        raise InvalidNextTokenException(INVALID)
    return token


def _digest(token: str, operation: str, request: dict[str, Any]) -> bytes:
    scope = {k: v for k, v in request.items() if k not in _NOT_FILTERS}
    message = json.dumps([operation, scope, token], sort_keys=True).encode()
    return hmac.new(_KEY, message, hashlib.sha256).digest()[:_DIGEST]


def _mask(data: bytes, digest: bytes) -> bytes:
    """`data` (at most 32 bytes) XOR a pad drawn from the key and `digest`: applied twice, it gives `data` back."""
    pad = hmac.new(_KEY, b"pad" + digest, hashlib.sha256).digest()
    if len(data) > len(pad):
        raise ValueError("token too long")
    return bytes(a ^ b for a, b in zip(data, pad, strict=False))


def _offset(token: str) -> int:
    if not token.isdigit():
        raise InvalidNextTokenException(INVALID)
    return int(token)
