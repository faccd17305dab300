"""Publishing metrics to CloudWatch through moto's CloudWatch backend, as Personalize publishes metric attributions.

moto serves CloudWatch in `mock_aws()` and in its server, in the process that runs the emulator, so a client's
`cloudwatch.get_metric_statistics` reads what is published here.
"""

from __future__ import annotations

import datetime
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends


def put_metric_data(account: str, region: str, namespace: str, data: list[dict[str, Any]]) -> None:
    """`data` as PutMetricData takes it (MetricName, Dimensions, Value, and Timestamp in epoch seconds)."""
    stamped = [datum | {"Timestamp": _utc(datum["Timestamp"])} for datum in data]
    if stamped:
        cloudwatch_backends[account][region].put_metric_data(namespace, stamped)


def _utc(seconds: float) -> datetime.datetime:
    """moto compares timestamps as naive UTC datetimes."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).replace(tzinfo=None)
