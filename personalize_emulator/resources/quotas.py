"""AWS's quotas on how many resources may exist, or work, at once ("Amazon Personalize endpoints and quotas"), each
refused with `LimitExceededException` in AWS's words where its guide quotes them ("Common error messages") and in
words alike where it does not. Their values are settings (`settings.QUOTAS`); adjustable ones can be configured.

`pending` and `active` give the checks that `PersonalizeBackend.add(..., admit=...)` runs as it keeps a resource.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from personalize_emulator import settings
from personalize_emulator.errors import LimitExceededException
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import CREATE_FAILED, CREATING, DELETING

R = TypeVar("R", bound=Resource)


def is_active(resource: Resource) -> bool:
    """Counted by the "active" quotas: ACTIVE, or on its way there."""
    return resource.status not in DELETING and resource.status != CREATE_FAILED


def pending(backend: PersonalizeBackend, name: str, kind: type[Resource]) -> Callable[[], None]:
    """The check of quota `name` on jobs of `kind` pending or in progress in the region, in AWS's words (quoted
    for import jobs)."""

    def admit() -> None:
        limit = settings.quota(name)
        if len(backend.all(kind, lambda r: r.status in CREATING)) >= limit:
            raise LimitExceededException(f"More than {limit} resources with PENDING or IN_PROGRESS status.")

    return admit


def active(
    backend: PersonalizeBackend, name: str, kind: type[R], what: str, where: Callable[[R], bool] = lambda r: True
) -> Callable[[], None]:
    """The check of quota `name` on active resources of `kind` (called `what`, e.g. "campaign") in the region, or
    those of them `where` keeps (one dataset group's); AWS's words (quoted for campaigns)."""

    def admit() -> None:
        limit = settings.quota(name)
        if len(backend.all(kind, lambda r: is_active(r) and where(r))) >= limit:
            raise LimitExceededException(
                f"Cannot create a {what}. More than {limit} resources in ACTIVE state. "
                "Please delete some and try again."
            )

    return admit


def check_count(name: str, count: int, words: str) -> None:
    """Quota `name` on a count AWS's guide quotes no words for: `words` (with `{count}` and `{limit}`) says it."""
    limit = settings.quota(name)
    if count > limit:
        raise LimitExceededException(words.format(limit=limit, count=count))
