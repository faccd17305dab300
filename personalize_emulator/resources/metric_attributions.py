"""Metric attributions: what a dataset group reports of the events it records, and where the reports go.

Where AWS sends them (https://docs.aws.amazon.com/personalize/latest/dg/metric-attribution-results.html):
events recorded with PutEvents and incremental bulk imports go to CloudWatch, namespace `AWS/Personalize`; an
import of interactions with `publishAttributionMetricsToS3` writes a CSV report to the attribution's S3 path.
Only data recorded after the attribution is created counts, and CloudWatch takes records less than 14 days old
(https://docs.aws.amazon.com/personalize/latest/dg/metric-attribution-requirements.html).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.data.attribution_metrics import UNDEFINED_SOURCE, Metric, parse_expression, report
from personalize_emulator.data.avro import AvroSchema
from personalize_emulator.data.cloudwatch import put_metric_data
from personalize_emulator.data.record_index import index_of
from personalize_emulator.data.s3 import S3AccessError, S3Location, reach, write_object
from personalize_emulator.errors import InvalidInputException, ResourceAlreadyExistsException
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.resources.lifecycle import ACTIVE, DELETING

log = logging.getLogger("personalize_emulator")

NAMESPACE = "AWS/Personalize"
MAX_METRICS = 10
CLOUDWATCH_MAX_AGE = 14 * 86_400
WRITE = ("s3:PutObject",)  # what the guide's bucket policy for reports grants


@dataclass(eq=False)
class MetricAttribution(Resource):
    kind = "metric-attribution"
    arn_member = "metricAttributionArn"

    dataset_group_arn: str = ""
    metrics: list[dict[str, str]] = field(default_factory=list)
    """The metrics as the API names them: eventType, metricName, expression."""
    output: dict[str, Any] = field(default_factory=dict)
    """`metricsOutputConfig`: the role, and the S3 path of the reports of bulk imports (optional)."""

    def details(self) -> dict[str, Any]:
        return {"datasetGroupArn": self.dataset_group_arn, "metricsOutputConfig": self.output}

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn,)


def checked_metrics(backend, group_arn: str, metrics: list[dict[str, str]]) -> list[dict[str, str]]:
    """`metrics` if they can be computed on the group's datasets: at most 10, names unique, expressions valid."""
    if len(metrics) > MAX_METRICS:
        raise InvalidInputException(f"A metric attribution can have at most {MAX_METRICS} metrics; got {len(metrics)}.")
    names = [m["metricName"] for m in metrics]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInputException(f"Metric names must be unique within a metric attribution: {', '.join(twice)}.")
    schemas = _schemas(backend, group_arn)
    for metric in metrics:
        parse_expression(metric["expression"], schemas)
    return metrics


def attribution_of(backend, group_arn: str) -> MetricAttribution | None:
    """The group's metric attribution, if it has one that is not being deleted ("at most one per dataset group")."""
    found = backend.all(MetricAttribution, lambda a: a.dataset_group_arn == group_arn and a.status not in DELETING)
    return found[0] if found else None


def refuse_a_second(backend, group_arn: str) -> None:
    existing = attribution_of(backend, group_arn)
    if existing is not None:
        raise ResourceAlreadyExistsException(
            f"The dataset group {group_arn} already has the metric attribution {existing.arn}; a group has at most one."
        )


def report_events(backend, group_arn: str, rows: list[dict[str, Any]], carried: list[dict[str, Any]]) -> None:
    """Events just recorded with PutEvents go to CloudWatch: their records, and the `RECOMMENDATION_ID` and
    `EVENT_ATTRIBUTION_SOURCE` each carried (`carried`), which the dataset keeps only if its schema names them."""
    attribution = attribution_of(backend, group_arn)
    if attribution is not None and attribution.status == ACTIVE:
        events = pd.DataFrame([row | extra for row, extra in zip(rows, carried, strict=True)])
        _to_cloudwatch(backend, attribution, _report(backend, attribution, events))


def report_import(
    backend, group_arn: str, records: pd.DataFrame, import_mode: str, started: float, to_s3: bool
) -> None:
    """Interactions a bulk import just added: CloudWatch for an INCREMENTAL import, the S3 path when the job asked.
    An attribution created after the job started does not report it."""
    attribution = attribution_of(backend, group_arn)
    if attribution is None or attribution.status != ACTIVE or attribution.creation > started:
        return
    values = _report(backend, attribution, records)
    if import_mode == "INCREMENTAL":
        _to_cloudwatch(backend, attribution, values)
    path = (attribution.output.get("s3DataDestination") or {}).get("path")
    if to_s3 and path:
        _to_s3(backend, attribution, path, import_mode, values)


def _report(backend, attribution: MetricAttribution, events: pd.DataFrame) -> pd.DataFrame:
    """The attribution's metrics over `events`, each event attributed as the guide says: its
    eventAttributionSource, else the campaign or recommender its recommendationId came from, else
    SOURCE_NAME_UNDEFINED (https://docs.aws.amazon.com/personalize/latest/dg/event-metrics.html)."""
    events = events.reset_index(drop=True)
    given = _column(events, "EVENT_ATTRIBUTION_SOURCE")
    recommended = [backend.recommendation_source(r) if r else None for r in _column(events, "RECOMMENDATION_ID")]
    sources = [s or r or UNDEFINED_SOURCE for s, r in zip(given, recommended, strict=True)]
    items = dataset_of(backend, attribution.dataset_group_arn, "ITEMS")

    def item_value(column: str, item_ids: list[str]) -> np.ndarray:
        if items is None or items.table.schema.field(column) is None:
            return np.full(len(item_ids), np.nan)
        index = index_of(items.table)
        return np.array([index.value(i, column) for i in item_ids], dtype=float)

    return report(events.assign(EVENT_ATTRIBUTION_SOURCE=sources), _computable(backend, attribution), item_value)


def _computable(backend, attribution: MetricAttribution) -> list[Metric]:
    """The metrics that the group's datasets can give now: one that sums a column of a dataset deleted or updated
    since is left out, rather than failing the events or the import it reports on."""
    schemas = _schemas(backend, attribution.dataset_group_arn)
    metrics = []
    for m in attribution.metrics:
        try:
            metrics.append(Metric(m["metricName"], m["eventType"], parse_expression(m["expression"], schemas)))
        except InvalidInputException:
            log.warning("metric %s of %s cannot be computed now; not reported", m["metricName"], attribution.arn)
    return metrics


def _schemas(backend, group_arn: str) -> dict[str, AvroSchema]:
    """The schemas of the datasets a metric may sum a column of."""
    return {
        kind: found.table.schema
        for kind in ("INTERACTIONS", "ITEMS")
        if (found := dataset_of(backend, group_arn, kind))
    }


def _column(frame: pd.DataFrame, name: str) -> list[str | None]:
    if name not in frame:
        return [None] * len(frame)
    return [value if isinstance(value, str) and value else None for value in frame[name]]


def _to_cloudwatch(backend, attribution: MetricAttribution, values: pd.DataFrame) -> None:
    """One datum per metric, source and 15-minute window: the metric name and the source upper-cased, as AWS's
    sample shows them (`countViews` > `COUNTVIEWS`, `recommended_for_you` > `RECOMMENDED_FOR_YOU`)."""
    recent = values[values["TIMESTAMP"] >= time.time() - CLOUDWATCH_MAX_AGE]
    data = [
        {
            "MetricName": row.METRIC_NAME,
            "Dimensions": [
                {"Name": "EventAttributionSource", "Value": str(row.EVENT_ATTRIBUTION_SOURCE).upper()},
                {"Name": "DatasetGroupArn", "Value": attribution.dataset_group_arn},
            ],
            "Timestamp": row.TIMESTAMP,
            "Value": row.VALUE,
        }
        for row in recent.itertuples()
    ]
    put_metric_data(backend.account_id, backend.region_name, NAMESPACE, data)


def _to_s3(backend, attribution: MetricAttribution, path: str, import_mode: str, values: pd.DataFrame) -> None:
    """A new file per publication, `AggregatedAttributionMetrics - <import mode> - <epoch milliseconds>.csv`, written
    as Personalize writes: through the attribution's role, if the bucket policy lets it put objects."""
    try:
        folder = reach(backend.account_id, backend.region_name, attribution.output.get("roleArn"), path, WRITE)
    except S3AccessError as exc:  # a report that cannot be written does not fail the import
        log.warning("metric attribution report not written to %s: %s", path, exc)
        return
    prefix = folder.key if folder.is_folder else folder.key + "/"
    name = f"AggregatedAttributionMetrics - {import_mode} - {int(time.time() * 1000)}.csv"
    body = values.to_csv(index=False).encode("utf-8")
    write_object(backend.account_id, backend.region_name, S3Location(folder.bucket, prefix + name), body)
