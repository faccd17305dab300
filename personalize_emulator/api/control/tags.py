"""Tags on any Personalize resource."""

from __future__ import annotations

from personalize_emulator.api.control.common import MAX_TAGS, tags_of
from personalize_emulator.errors import ResourceNotFoundException, TooManyTagKeysException, TooManyTagsException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import Resource


def _resource(backend, arn: str) -> Resource:
    resource = backend.resources.get(arn)
    if resource is None:
        raise ResourceNotFoundException.for_arn(arn)
    return resource


@operation("TagResource")
def tag_resource(backend, resource_arn, tags):
    resource = _resource(backend, resource_arn)
    with backend.lock:
        merged = resource.tags | tags_of(tags)
        if len(merged) > MAX_TAGS:
            raise TooManyTagsException(
                f"A resource can have at most {MAX_TAGS} tags; this would give it {len(merged)}."
            )
        resource.tags = merged


@operation("UntagResource")
def untag_resource(backend, resource_arn, tag_keys):
    resource = _resource(backend, resource_arn)
    if len(tag_keys) > MAX_TAGS:
        raise TooManyTagKeysException(f"At most {MAX_TAGS} tag keys can be removed at once.")
    with backend.lock:
        resource.tags = {k: v for k, v in resource.tags.items() if k not in set(tag_keys)}


@operation("ListTagsForResource")
def list_tags_for_resource(backend, resource_arn):
    tags = _resource(backend, resource_arn).tags
    return {"tags": [{"tagKey": k, "tagValue": v} for k, v in tags.items()]}
