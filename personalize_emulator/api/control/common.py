"""What the control-plane families share: listing, tags on create, refusing deletes that have dependents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from personalize_emulator.data.s3 import S3AccessError, S3Location, reach
from personalize_emulator.errors import InvalidInputException, ResourceInUseException, TooManyTagsException
from personalize_emulator.protocol.paging import page
from personalize_emulator.resources.base import Resource, project
from personalize_emulator.resources.lifecycle import ACTIVE, DELETING, IN_FLIGHT, start_delete

if TYPE_CHECKING:
    from personalize_emulator.resources.backend import PersonalizeBackend

R = TypeVar("R", bound=Resource)


MAX_TAGS = 50


def tags_of(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """The `tags` member as a dict, refused with `TooManyTagsException` beyond AWS's 50 per resource."""
    out = {tag["tagKey"]: tag["tagValue"] for tag in tags or []}
    if len(out) > MAX_TAGS:
        raise TooManyTagsException(f"A resource can have at most {MAX_TAGS} tags; {len(out)} were given.")
    return out


def listing(
    resources: list[Resource], key: str, summary_shape: str, next_token: str | None, max_results: int | None
) -> dict[str, Any]:
    """A List* answer: summaries (descriptions projected on `summary_shape`), newest first, one page."""
    return page([project(r.describe(), summary_shape) for r in resources], key, next_token, max_results)


def require_active(resource: Resource, what: str) -> None:
    """Refuse to build on a resource that is not ACTIVE, as AWS does."""
    if resource.status != ACTIVE:
        raise ResourceInUseException(f"{what} {resource.arn} is not in ACTIVE state; its status is {resource.status}.")


def delete_unless_used(
    backend: PersonalizeBackend, resource: Resource, dependents: list[Resource], also_remove: set[str] = frozenset()
) -> None:
    """Start deleting `resource` (and the ARNs in `also_remove` with it, such as a solution's versions), or
    refuse with `ResourceInUseException` naming what still depends on it."""
    with backend.lock:
        if resource.status in DELETING:
            raise ResourceInUseException(f"{resource.arn} is already being deleted.")
        if resource.has_status and resource.status in IN_FLIGHT:
            raise ResourceInUseException(f"{resource.arn} cannot be deleted while its status is {resource.status}.")
        live = [d.arn for d in dependents]
        if live:
            shown = ", ".join(live[:5]) + (f" and {len(live) - 5} more" if len(live) > 5 else "")
            raise ResourceInUseException(f"{resource.arn} is in use by {shown}; delete those first.")

        def remove() -> None:
            for arn in {resource.arn, *also_remove}:
                backend.remove(arn)

        if resource.has_status:
            start_delete(backend.jobs, backend.lock, resource, remove)
        else:
            remove()


def reach_s3(
    backend: PersonalizeBackend,
    role_arn: str | None,
    url: str,
    actions: tuple[str, ...],
    error: type[Exception] = InvalidInputException,
) -> S3Location:
    """Check that Personalize may perform `actions` at `url` through `role_arn`.

    Checked when a job is created (refused with `InvalidInputException`) and again when it runs (the job
    ends `CREATE FAILED`, pass `error=JobFailed`), since the role or the object may be gone by then.
    """
    try:
        return reach(backend.account_id, backend.region_name, role_arn, url, actions)
    except S3AccessError as exc:
        raise error(str(exc)) from None
