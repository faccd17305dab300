"""Just enough IAM policy evaluation to answer: may the Personalize service principal do this?

Explicit Deny wins over Allow; `Action` and `Resource` take `*` and `?` wildcards; conditions are taken as met.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

PERSONALIZE_PRINCIPAL = "personalize.amazonaws.com"


def allows(
    policy: str | dict[str, Any] | None, action: str, resource: str | None = None, service: str = PERSONALIZE_PRINCIPAL
) -> bool:
    """Whether `policy` lets the AWS service principal `service` perform `action` on `resource`."""
    allowed = False
    for statement in _statements(policy):
        if not (_names_service(statement.get("Principal"), service) and _matches(statement.get("Action"), action)):
            continue
        if resource is not None and not _matches(statement.get("Resource"), resource, case_sensitive=True):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _statements(policy: str | dict[str, Any] | None) -> list[dict[str, Any]]:
    if policy is None:
        return []
    if isinstance(policy, (bytes, str)):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict)]


def _names_service(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    if principal.get("AWS") == "*":
        return True
    services = principal.get("Service", [])
    return service in ([services] if isinstance(services, str) else services)


def _matches(patterns: Any, value: str, case_sensitive: bool = False) -> bool:
    patterns = [patterns] if isinstance(patterns, str) else patterns or []
    if not case_sensitive:
        return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns if isinstance(p, str))
    return any(fnmatch.fnmatchcase(value, p) for p in patterns if isinstance(p, str))
