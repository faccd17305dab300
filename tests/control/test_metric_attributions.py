"""Metric attributions on both adapters: the API, and planted revenue that the reports must add up to.

The guide: https://docs.aws.amazon.com/personalize/latest/dg/metric-attribution-requirements.html (rules),
https://docs.aws.amazon.com/personalize/latest/dg/event-metrics.html (attribution of an event),
https://docs.aws.amazon.com/personalize/latest/dg/metric-attribution-results.html (CloudWatch and S3 reports).
The CloudWatch names are those AWS's sample reads back (Measure_Impact_of_Recommendations.ipynb in
aws-samples/amazon-personalize-samples): namespace AWS/Personalize, the metric name and the source upper-cased.
"""

from __future__ import annotations

import datetime
import io
import time
from types import SimpleNamespace

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from tests.builders import (
    BUCKET,
    INTERACTIONS_FIELDS,
    bucket_and_role,
    campaign,
    dataset,
    group,
    import_frame,
    planted_interactions,
    solution,
    tracker,
    upload,
    version,
)
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until

FIELDS = [
    *INTERACTIONS_FIELDS,
    {"name": "EVENT_VALUE", "type": ["null", "float"]},
    {"name": "EVENT_ATTRIBUTION_SOURCE", "type": ["null", "string"]},
    {"name": "RECOMMENDATION_ID", "type": ["null", "string"]},
]
ITEM_FIELDS = [{"name": "ITEM_ID", "type": "string"}, {"name": "PRICE", "type": ["null", "float"]}]
PRICES = {"hit": 12.5, "mid": 4.25}
METRICS = [
    {"eventType": "purchase", "metricName": "revenue", "expression": "SUM(Items.PRICE)"},
    {"eventType": "purchase", "metricName": "paid", "expression": "SUM(Interactions.EVENT_VALUE)"},
    {"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"},
]
REPORTS = f"s3://{BUCKET}/metrics/"
COUNT = {"eventType": "x", "metricName": "count", "expression": "SAMPLECOUNT()"}


def describe(aws, arn):
    return aws.personalize.describe_metric_attribution(metricAttributionArn=arn)["metricAttribution"]


def attribute(aws, built, metrics=METRICS, name="impact", path=REPORTS):
    output = {"roleArn": built.role} | ({"s3DataDestination": {"path": path}} if path else {})
    arn = aws.personalize.create_metric_attribution(
        name=name, datasetGroupArn=built.group, metrics=metrics, metricsOutputConfig=output
    )["metricAttributionArn"]
    wait_until(lambda: describe(aws, arn))
    return arn


@pytest.fixture
def shop(aws):
    """A group with clicks imported before any attribution, item prices, a popularity campaign and a tracker."""
    built = SimpleNamespace(group=group(aws), role=bucket_and_role(aws))
    built.interactions = dataset(aws, built.group, fields=FIELDS)
    import_frame(aws, built.interactions, planted_interactions({"hit": 50, "mid": 30}), built.role, "history")
    items = dataset(aws, built.group, "ITEMS", ITEM_FIELDS)
    import_frame(aws, items, pd.DataFrame({"ITEM_ID": list(PRICES), "PRICE": list(PRICES.values())}), built.role)
    built.campaign = campaign(aws, version(aws, solution(aws, built.group)))
    built.tracking = tracker(aws, built.group)["trackingId"]
    return built


def send(aws, built, events, user="shopper"):
    for event in events:
        aws.events.put_events(trackingId=built.tracking, userId=user, sessionId="s", eventList=[event])


def event(kind, item, value=None, source=None, recommendation=None, sent=None):
    out = {"eventType": kind, "itemId": item, "sentAt": sent or time.time()}
    if value is not None:
        out["eventValue"] = value
    if source:
        out["metricAttribution"] = {"eventAttributionSource": source}
    if recommendation:
        out["recommendationId"] = recommendation
    return out


def cloudwatch_sum(aws, built, metric, source, hours=1):
    now = datetime.datetime.now(datetime.UTC)
    points = aws.cloudwatch.get_metric_statistics(
        Namespace="AWS/Personalize",
        MetricName=metric,
        Dimensions=[
            {"Name": "EventAttributionSource", "Value": source},
            {"Name": "DatasetGroupArn", "Value": built.group},
        ],
        StartTime=now - datetime.timedelta(hours=hours),
        EndTime=now + datetime.timedelta(hours=1),
        Period=900,
        Statistics=["Sum"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


def test_attributed_revenue_adds_up_to_the_planted_purchases_in_cloudwatch(aws, shop):
    send(aws, shop, [event("purchase", "hit", 99.0, source="before")])  # before the attribution: never reported
    attribute(aws, shop)
    answer = aws.runtime.get_recommendations(campaignArn=shop.campaign, userId="shopper", numResults=2)
    assert [i["itemId"] for i in answer["itemList"]] == ["hit", "mid"]
    recommended = answer["recommendationId"]
    send(aws, shop, [
        event("purchase", "hit", 10.0, recommendation=recommended),
        event("purchase", "mid", 3.0, recommendation=recommended),
        event("click", "mid", recommendation=recommended),
        event("purchase", "hit", 7.0, source="newsletter"),
        event("purchase", "mid", 1.0, source="newsletter", recommendation=recommended),  # the source wins
        event("purchase", "hit", 2.0),
        event("click", "hit", source="newsletter"),
        event("click", "hit", source="newsletter"),
    ])  # fmt: skip
    campaign_source = shop.campaign.upper()
    assert cloudwatch_sum(aws, shop, "REVENUE", campaign_source) == PRICES["hit"] + PRICES["mid"]
    assert cloudwatch_sum(aws, shop, "PAID", campaign_source) == 13.0
    assert cloudwatch_sum(aws, shop, "CLICKS", campaign_source) == 1
    assert cloudwatch_sum(aws, shop, "REVENUE", "NEWSLETTER") == PRICES["hit"] + PRICES["mid"]
    assert cloudwatch_sum(aws, shop, "PAID", "NEWSLETTER") == 8.0
    assert cloudwatch_sum(aws, shop, "CLICKS", "NEWSLETTER") == 2
    assert cloudwatch_sum(aws, shop, "REVENUE", "SOURCE_NAME_UNDEFINED") == PRICES["hit"]
    assert cloudwatch_sum(aws, shop, "PAID", "BEFORE") == 0


def test_cloudwatch_takes_only_records_less_than_14_days_old(aws, shop):
    attribute(aws, shop)
    three_weeks_ago = time.time() - 21 * 86_400
    send(aws, shop, [event("purchase", "hit", 5.0, source="late", sent=three_weeks_ago)])
    send(aws, shop, [event("purchase", "hit", 5.0, source="late")])
    assert cloudwatch_sum(aws, shop, "PAID", "LATE", hours=24 * 30) == 5.0


def read_reports(aws) -> pd.DataFrame:
    listed = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="metrics/").get("Contents", [])
    frames = [pd.read_csv(io.BytesIO(aws.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read())) for o in listed]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def test_an_import_that_asks_for_it_publishes_its_report_to_s3(aws, shop):
    attribute(aws, shop)
    now = int(time.time())
    purchases = pd.DataFrame(
        {
            "USER_ID": ["u1", "u2", "u3", "u4"],
            "ITEM_ID": ["hit", "mid", "hit", "hit"],
            "TIMESTAMP": [now, now, now, now],
            "EVENT_TYPE": ["purchase", "purchase", "purchase", "click"],
            "EVENT_VALUE": [10.0, 4.0, 6.0, None],
            "EVENT_ATTRIBUTION_SOURCE": ["email", "email", "", "email"],
            "RECOMMENDATION_ID": ["", "", "", ""],
        }
    )
    job = aws.personalize.create_dataset_import_job(
        jobName="purchases", datasetArn=shop.interactions, roleArn=shop.role, importMode="INCREMENTAL",
        dataSource={"dataLocation": upload(aws, "purchases.csv", purchases)}, publishAttributionMetricsToS3=True,
    )["datasetImportJobArn"]  # fmt: skip
    wait_until(lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"])
    [key] = [o["Key"] for o in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="metrics/")["Contents"]]
    assert key.startswith("metrics/AggregatedAttributionMetrics - INCREMENTAL - ") and key.endswith(".csv")
    report = read_reports(aws)
    assert list(report.columns) == [
        "METRIC_NAME", "EVENT_TYPE", "VALUE", "MATH_FUNCTION", "EVENT_ATTRIBUTION_SOURCE", "TIMESTAMP"
    ]  # fmt: skip
    totals = report.groupby(["METRIC_NAME", "EVENT_ATTRIBUTION_SOURCE"])["VALUE"].sum().to_dict()
    assert totals == {
        ("CLICKS", "email"): 1.0,
        ("PAID", "SOURCE_NAME_UNDEFINED"): 6.0,
        ("PAID", "email"): 14.0,
        ("REVENUE", "SOURCE_NAME_UNDEFINED"): PRICES["hit"],
        ("REVENUE", "email"): PRICES["hit"] + PRICES["mid"],
    }
    assert set(report["MATH_FUNCTION"]) == {"sum", "samplecount"} and set(report["EVENT_TYPE"]) == {"PURCHASE", "CLICK"}
    assert (report["TIMESTAMP"] % 900 == 0).all()  # 15-minute windows
    # an incremental import is reported to CloudWatch too
    assert cloudwatch_sum(aws, shop, "PAID", "EMAIL") == 14.0


def test_a_full_import_goes_to_s3_only_when_asked_and_never_to_cloudwatch(aws, shop):
    attribute(aws, shop)
    now = int(time.time())
    frame = planted_interactions({"hit": 50}).assign(TIMESTAMP=now, EVENT_TYPE="click", EVENT_ATTRIBUTION_SOURCE="bulk")
    import_frame(aws, shop.interactions, frame, shop.role, "quiet")
    assert read_reports(aws).empty
    job = aws.personalize.create_dataset_import_job(
        jobName="loud", datasetArn=shop.interactions, roleArn=shop.role, publishAttributionMetricsToS3=True,
        dataSource={"dataLocation": upload(aws, "loud.csv", frame)},
    )["datasetImportJobArn"]  # fmt: skip
    wait_until(lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"])
    report = read_reports(aws)
    assert report.groupby("METRIC_NAME")["VALUE"].sum().to_dict() == {"CLICKS": len(frame)}
    assert cloudwatch_sum(aws, shop, "CLICKS", "BULK") == 0


def test_create_describe_list_and_list_metrics(aws, shop, visible_pace):
    arn = aws.personalize.create_metric_attribution(
        name="impact", datasetGroupArn=shop.group, metrics=METRICS,
        metricsOutputConfig={"roleArn": shop.role, "s3DataDestination": {"path": REPORTS}},
    )["metricAttributionArn"]  # fmt: skip
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:metric-attribution/impact"
    assert describe(aws, arn)["status"] == "CREATE PENDING"
    described = wait_until(lambda: describe(aws, arn))
    assert described["name"] == "impact" and described["datasetGroupArn"] == shop.group
    assert described["metricsOutputConfig"] == {"roleArn": shop.role, "s3DataDestination": {"path": REPORTS}}
    assert "metrics" not in described  # the metrics are listed apart
    assert aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn)["metrics"] == METRICS
    page = aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn, maxResults=2)
    assert page["metrics"] == METRICS[:2] and "nextToken" in page
    [summary] = aws.personalize.list_metric_attributions(datasetGroupArn=shop.group)["metricAttributions"]
    assert set(summary) == {"name", "metricAttributionArn", "status", "creationDateTime", "lastUpdatedDateTime"}
    assert aws.personalize.list_metric_attributions(datasetGroupArn=f"{shop.group}-other")["metricAttributions"] == []


def test_update_adds_and_removes_metrics_and_changes_the_output(aws, shop):
    arn = attribute(aws, shop)
    views = {"eventType": "view", "metricName": "views", "expression": "SAMPLECOUNT()"}
    aws.personalize.update_metric_attribution(
        metricAttributionArn=arn, removeMetrics=["paid", "clicks"], addMetrics=[views],
        metricsOutputConfig={"roleArn": shop.role},
    )  # fmt: skip
    listed = aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn)["metrics"]
    assert [m["metricName"] for m in listed] == ["revenue", "views"]
    described = describe(aws, arn)
    assert described["status"] == "ACTIVE" and described["metricsOutputConfig"] == {"roleArn": shop.role}
    send(aws, shop, [event("click", "hit", source="after"), event("view", "hit", source="after")])
    assert cloudwatch_sum(aws, shop, "CLICKS", "AFTER") == 0
    assert cloudwatch_sum(aws, shop, "VIEWS", "AFTER") == 1


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"removeMetrics": ["nope"]}, "InvalidInputException", "{arn} has no metric named nope."),
        (
            {"addMetrics": [dict(COUNT, metricName="clicks")]},
            "ResourceAlreadyExistsException",
            "{arn} already has a metric named clicks.",
        ),
        (
            {"addMetrics": [dict(COUNT, metricName=f"m{n}") for n in range(8)]},
            "InvalidInputException",
            "A metric attribution can have at most 10 metrics; got 11.",
        ),
    ],
    ids=["remove-unknown", "add-existing", "more-than-ten"],
)
def test_an_update_that_breaks_the_rules_is_refused_and_changes_nothing(aws, shop, change, code, message):
    arn = attribute(aws, shop)
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_metric_attribution(metricAttributionArn=arn, **change)
    found_code, found_message = error_of(raised)
    assert found_code == code and found_message.endswith(message.format(arn=arn))
    assert aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn)["metrics"] == METRICS


def test_delete_stops_the_reports(aws, shop):
    arn = attribute(aws, shop)
    aws.personalize.delete_metric_attribution(metricAttributionArn=arn)
    wait_gone(lambda: bool(aws.personalize.list_metric_attributions()["metricAttributions"]))
    send(aws, shop, [event("click", "hit", source="gone")])
    assert cloudwatch_sum(aws, shop, "CLICKS", "GONE") == 0
    attribute(aws, shop, name="again")  # the group may have one again


def test_a_group_with_a_metric_attribution_cannot_be_deleted_until_the_attribution_is(aws):
    built = SimpleNamespace(group=group(aws), role=bucket_and_role(aws))
    arn = attribute(aws, built, [COUNT])
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset_group(datasetGroupArn=built.group)
    assert error_of(raised) == ("ResourceInUseException", f"{built.group} is in use by {arn}; delete those first.")
    aws.personalize.delete_metric_attribution(metricAttributionArn=arn)
    wait_gone(lambda: bool(aws.personalize.list_metric_attributions()["metricAttributions"]))
    aws.personalize.delete_dataset_group(datasetGroupArn=built.group)


def test_a_group_has_at_most_one_metric_attribution(aws, shop):
    arn = attribute(aws, shop)
    with pytest.raises(ClientError) as raised:
        attribute(aws, shop, name="second")
    assert error_of(raised) == (
        "ResourceAlreadyExistsException",
        f"The dataset group {shop.group} already has the metric attribution {arn}; a group has at most one.",
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("AVG(Items.PRICE)", "is not valid: use SUM(DatasetType.COLUMN_NAME)"),
        ("SUM(PRICE)", "is not valid: use SUM(DatasetType.COLUMN_NAME)"),
        ("SUM(Interactions.EVENT_TYPE)", "must sum a numeric column of the Interactions dataset"),
        ("SUM(Items.WEIGHT)", "must sum a numeric column of the Items dataset; its numeric columns are PRICE."),
        ("SUM(Users.AGE)", "is not valid"),
    ],
)
def test_an_expression_that_cannot_be_computed_is_refused(aws, shop, expression, message):
    metrics = [{"eventType": "purchase", "metricName": "m", "expression": expression}]
    with pytest.raises(ClientError) as raised:
        attribute(aws, shop, metrics)
    code, found = error_of(raised)
    assert code == "InvalidInputException" and message in found


def test_expressions_name_the_dataset_type_and_column_in_any_case(aws, shop):
    metrics = [{"eventType": "purchase", "metricName": "margin", "expression": "sum( ITEMS.price )"}]
    attribute(aws, shop, metrics)
    send(aws, shop, [event("purchase", "mid", source="any")])
    assert cloudwatch_sum(aws, shop, "MARGIN", "ANY") == PRICES["mid"]


def test_sum_of_an_items_column_needs_an_items_dataset_and_interactions_need_event_type(aws):
    built = SimpleNamespace(group=group(aws), role=bucket_and_role(aws))
    dataset(aws, built.group, fields=INTERACTIONS_FIELDS[:3])
    with pytest.raises(ClientError) as raised:
        attribute(aws, built, [COUNT], path=None)
    assert error_of(raised)[1].endswith("has no EVENT_TYPE column, which a metric attribution needs.")
    other = SimpleNamespace(group=group(aws, "other"), role=built.role)
    with pytest.raises(ClientError) as raised:
        attribute(aws, other, [{"eventType": "buy", "metricName": "m", "expression": "SUM(Items.PRICE)"}], path=None)
    assert "which the dataset group does not have" in error_of(raised)[1]


def test_the_output_needs_a_role_that_trusts_personalize_and_a_bucket_it_may_write(aws, shop):
    ghost = f"arn:aws:iam::{ACCOUNT}:role/ghost"
    with pytest.raises(ClientError) as raised:
        attribute(aws, SimpleNamespace(group=shop.group, role=ghost), path=None)
    assert error_of(raised) == ("InvalidInputException", f"The role {ghost} does not exist in IAM.")
    with pytest.raises(ClientError) as raised:
        attribute(aws, shop, path="s3://no-such-bucket/metrics/")
    assert error_of(raised) == ("InvalidInputException", "The S3 bucket no-such-bucket does not exist.")


def test_a_metric_whose_column_is_gone_stops_reporting_and_the_events_still_land(aws, shop):
    attribute(aws, shop)
    items = aws.personalize.list_datasets(datasetGroupArn=shop.group)["datasets"]
    [items_arn] = [d["datasetArn"] for d in items if d["datasetType"] == "ITEMS"]
    aws.personalize.delete_dataset(datasetArn=items_arn)
    wait_gone(lambda: len(aws.personalize.list_datasets(datasetGroupArn=shop.group)["datasets"]) > 1)
    send(aws, shop, [event("purchase", "hit", 3.0, source="later"), event("click", "hit", source="later")])
    assert cloudwatch_sum(aws, shop, "REVENUE", "LATER") == 0  # SUM(Items.PRICE) has no Items dataset to read
    assert cloudwatch_sum(aws, shop, "PAID", "LATER") == 3.0
    assert cloudwatch_sum(aws, shop, "CLICKS", "LATER") == 1
