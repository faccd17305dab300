"""Metric attributions: create, describe, list, update, delete, and list their metrics."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing, reach_s3
from personalize_emulator.data.s3 import S3AccessError, check_role
from personalize_emulator.errors import InvalidInputException, ResourceAlreadyExistsException, ResourceInUseException
from personalize_emulator.protocol.paging import page
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.dataset_groups import DatasetGroup
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.resources.lifecycle import ACTIVE, set_status, start_create
from personalize_emulator.resources.metric_attributions import (
    WRITE,
    MetricAttribution,
    checked_metrics,
    refuse_a_second,
)


@operation("CreateMetricAttribution")
def create_metric_attribution(backend, name, dataset_group_arn, metrics, metrics_output_config):
    group = backend.get(dataset_group_arn, DatasetGroup)
    require_active(group, "The dataset group")
    interactions = dataset_of(backend, group.arn, "INTERACTIONS")
    if interactions is not None and interactions.table.schema.field("EVENT_TYPE") is None:
        raise InvalidInputException(
            f"The Interactions dataset {interactions.arn} has no EVENT_TYPE column, which a metric attribution needs."
        )
    output = _checked_output(backend, metrics_output_config)
    with backend.lock:
        refuse_a_second(backend, group.arn)
        attribution = backend.add(
            MetricAttribution(
                arn=backend.arn(f"metric-attribution/{name}"),
                name=name,
                dataset_group_arn=group.arn,
                metrics=checked_metrics(backend, group.arn, metrics),
                output=output,
            )
        )
    start_create(backend.jobs, backend.lock, attribution)
    return {"metricAttributionArn": attribution.arn}


@operation("DescribeMetricAttribution")
def describe_metric_attribution(backend, metric_attribution_arn):
    return {"metricAttribution": backend.get(metric_attribution_arn, MetricAttribution).describe()}


@operation("ListMetricAttributions")
def list_metric_attributions(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(MetricAttribution, lambda a: dataset_group_arn in (None, a.dataset_group_arn))
    return listing(found, "metricAttributions", "MetricAttributionSummary", next_token, max_results)


@operation("ListMetricAttributionMetrics")
def list_metric_attribution_metrics(backend, metric_attribution_arn=None, next_token=None, max_results=None):
    attribution = backend.get(_required(metric_attribution_arn), MetricAttribution)
    return page(attribution.metrics, "metrics", next_token, max_results)


@operation("UpdateMetricAttribution")
def update_metric_attribution(
    backend, metric_attribution_arn=None, add_metrics=None, remove_metrics=None, metrics_output_config=None
):
    """Applied at once: the attribution stays ACTIVE (AWS documents no status for an update)."""
    attribution = backend.get(_required(metric_attribution_arn), MetricAttribution)
    output = _checked_output(backend, metrics_output_config) if metrics_output_config else attribution.output
    with backend.lock:
        if attribution.status != ACTIVE:
            raise ResourceInUseException(
                f"The metric attribution {attribution.arn} is {attribution.status}; only an ACTIVE one can be updated."
            )
        kept = list(attribution.metrics)
        for name in remove_metrics or []:
            if not any(m["metricName"] == name for m in kept):
                raise InvalidInputException(f"The metric attribution {attribution.arn} has no metric named {name}.")
            kept = [m for m in kept if m["metricName"] != name]
        for metric in add_metrics or []:
            if any(m["metricName"] == metric["metricName"] for m in kept):
                raise ResourceAlreadyExistsException(
                    f"The metric attribution {attribution.arn} already has a metric named {metric['metricName']}."
                )
        attribution.metrics = checked_metrics(backend, attribution.dataset_group_arn, kept + list(add_metrics or []))
        attribution.output = output
        set_status(attribution, ACTIVE)
    return {"metricAttributionArn": attribution.arn}


@operation("DeleteMetricAttribution")
def delete_metric_attribution(backend, metric_attribution_arn):
    backend.delete(backend.get(metric_attribution_arn, MetricAttribution))


def _required(arn: str | None) -> str:
    if not arn:
        raise InvalidInputException("metricAttributionArn is required.")
    return arn


def _checked_output(backend, config: dict) -> dict:
    """The output configuration, once Personalize could use it: the role must exist and trust Personalize, and a
    bucket for reports must let it put objects."""
    path = (config.get("s3DataDestination") or {}).get("path")
    if path:
        reach_s3(backend, config["roleArn"], path, WRITE)
    else:
        try:
            check_role(backend.account_id, backend.region_name, config["roleArn"])
        except S3AccessError as exc:
            raise InvalidInputException(str(exc)) from None
    return config
