"""Filters: expressions parsed and checked against the dataset group's schemas when created."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.datasets import Dataset
from personalize_emulator.data import filter_expressions
from personalize_emulator.data.filter_expressions import REFUSED
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources import quotas
from personalize_emulator.resources.base import require_created_or_creating
from personalize_emulator.resources.filters import Filter
from personalize_emulator.resources.lifecycle import start_create


@operation("CreateFilter")
def create_filter(backend, name, dataset_group_arn, filter_expression, tags=None):
    group = backend.get(dataset_group_arn, DatasetGroup)
    require_created_or_creating(group, "The dataset group")
    parsed = filter_expressions.parse(filter_expression)
    datasets = backend.all(Dataset, lambda d: d.dataset_group_arn == group.arn)
    filter_expressions.check_fields(
        parsed, {d.dataset_type: set(d.table.schema.names) for d in datasets}, filter_expression
    )
    filter_expressions.check_types(parsed, {d.dataset_type: d.table.schema for d in datasets}, filter_expression)
    _check_quotas(backend, group.arn, parsed)
    created = backend.add(
        Filter(
            arn=backend.arn(f"filter/{name}"),
            name=name,
            dataset_group_arn=group.arn,
            expression=filter_expression,
            parsed=parsed,
            tags=tags_of(tags),
        ),
        admit=quotas.active(
            backend, "filters_per_dataset_group", Filter, "filter", lambda f: f.dataset_group_arn == group.arn
        ),
    )
    start_create(backend.jobs, backend.lock, created, after=[group, *datasets])  # the schemas it reads
    return {"filterArn": created.arn}


def _check_quotas(backend, group_arn: str, parsed) -> None:
    """AWS's quotas on the distinct dataset fields that one filter, and all of a group's filters together, read."""
    others = backend.all(Filter, lambda f: f.dataset_group_arn == group_arn and quotas.is_active(f))
    quotas.check_count(
        "fields_per_filter",
        len(parsed.fields),
        f"{REFUSED} The expression reads {{count}} distinct dataset fields; a filter can read at most {{limit}}.",
    )
    fields = set(parsed.fields).union(*(f.parsed.fields for f in others))
    quotas.check_count(
        "filter_fields_per_dataset_group",
        len(fields),
        f"{REFUSED} With it, the filters of the dataset group would read {{count}} distinct dataset fields; "
        "together they can read at most {limit}.",
    )


@operation("DescribeFilter")
def describe_filter(backend, filter_arn):
    return {"filter": backend.get(filter_arn, Filter).describe()}


@operation("ListFilters")
def list_filters(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(Filter, lambda f: dataset_group_arn in (None, f.dataset_group_arn))
    return listing(found, "Filters", "FilterSummary", next_token, max_results)


@operation("DeleteFilter")
def delete_filter(backend, filter_arn):
    backend.delete(backend.get(filter_arn, Filter))
