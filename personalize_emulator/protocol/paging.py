"""`nextToken` / `maxResults` paging, as botocore's paginators expect it."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from personalize_emulator.errors import InvalidNextTokenException

DEFAULT_PAGE_SIZE = 100


def page(items: list[Any], key: str, next_token: str | None = None, max_results: int | None = None) -> dict[str, Any]:
    """One page of `items` under `key`, with a `nextToken` when more remain."""
    start = _decode(next_token) if next_token else 0
    size = max_results or DEFAULT_PAGE_SIZE
    out: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        out["nextToken"] = base64.urlsafe_b64encode(json.dumps({"offset": start + size}).encode()).decode()
    return out


def _decode(token: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidNextTokenException("The next token is not valid.") from None
    if not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException("The next token is not valid.")
    return offset
