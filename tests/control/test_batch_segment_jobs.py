"""Batch segment jobs on planted tastes: users of group `a` choose only items a* (genre A), users of group `b` only
b*; so the segment of an a* item, or of genre A, is group `a`, whichever a* items each user happened to choose.

Input and output as AWS documents and its service writes them:
https://docs.aws.amazon.com/personalize/latest/dg/prepare-input-data-user-segment.html (input lines);
the executed user_segmentation_example notebook of aws-samples/amazon-personalize-samples (output lines with
`usersList`, `input` and `error`; metrics `hits_at_1_percent`, `recall_at_1_percent`, `coverage`);
https://docs.aws.amazon.com/personalize/latest/dg/limits.html (10 and 500 queries a file, 5 jobs running).
"""

import json
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests import builders
from tests.builders import BUCKET
from tests.conftest import ACCOUNT, REGION, error_of, wait_until
from tests.recipes import planted

ITEM_AFFINITY = "arn:aws:personalize:::recipe/aws-item-affinity"
ATTRIBUTE_AFFINITY = "arn:aws:personalize:::recipe/aws-item-attribute-affinity"
GROUP_A = {f"a-user{u}" for u in range(60)}
GROUP_B = {f"b-user{u}" for u in range(60)}


def segmentation_version(aws, recipe=ITEM_AFFINITY) -> SimpleNamespace:
    """Interactions, Items and Users of `planted.tastes`, and an ACTIVE version of `recipe`."""
    built = builders.planted_group(aws, planted.tastes())
    built.version = builders.version(aws, builders.solution(aws, built.group, recipe, name="segments"))
    return built


def start_job(aws, built, name, lines, **kwargs) -> str:
    path = builders.upload(aws, f"in/{name}.json", "".join(line + "\n" for line in lines))
    return aws.personalize.create_batch_segment_job(
        jobName=name,
        solutionVersionArn=built.version,
        roleArn=built.role,
        jobInput={"s3DataSource": {"path": path}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/out/"}},
        **kwargs,
    )["batchSegmentJobArn"]


def describe(aws, arn):
    return aws.personalize.describe_batch_segment_job(batchSegmentJobArn=arn)["batchSegmentJob"]


def segments(aws, built, name, lines, **kwargs) -> list[dict]:
    """Run a job on `lines` to ACTIVE; the lines of `out/<name>.json.out`, parsed."""
    arn = start_job(aws, built, name, lines, **kwargs)
    wait_until(lambda: describe(aws, arn))
    body = aws.s3.get_object(Bucket=BUCKET, Key=f"out/{name}.json.out")["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def test_the_segment_of_an_item_is_the_users_who_chose_its_genre(aws):
    built = segmentation_version(aws)
    lines = [
        json.dumps({"itemId": "a3"}),
        json.dumps({"itemId": "b7"}),
        json.dumps({"itemId": "never-seen"}),
        "not json",
        json.dumps({"itemAttributes": 'ITEMS.GENRE = "A"'}),
    ]
    written = segments(aws, built, "items", lines, numResults=60)
    assert [line["input"] for line in written] == [
        {"itemId": "a3"},
        {"itemId": "b7"},
        {"itemId": "never-seen"},
        "not json",
        {"itemAttributes": 'ITEMS.GENRE = "A"'},
    ]
    assert set(written[0]["output"]["usersList"]) == GROUP_A and written[0]["error"] is None
    assert set(written[1]["output"]["usersList"]) == GROUP_B
    assert written[2] == {
        "input": {"itemId": "never-seen"},
        "output": None,
        "error": "The item never-seen was not in the data when the solution version was trained; an item gets a "
        "user segment only if it was present then.",
    }
    assert written[3]["output"] is None and written[3]["error"].startswith("The input line is not valid JSON")
    assert written[4]["error"].startswith("Each input line of an Item-Affinity batch segment job needs an itemId")


def test_a_job_is_described_listed_and_numbered_as_aws_shows_it(aws):
    built = segmentation_version(aws)
    arn = start_job(aws, built, "described", [json.dumps({"itemId": "a1"})])
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:batch-segment-job/described"
    job = wait_until(lambda: describe(aws, arn))
    assert {key: job[key] for key in ("jobName", "solutionVersionArn", "numResults", "jobInput", "jobOutput")} == {
        "jobName": "described",
        "solutionVersionArn": built.version,
        "numResults": 25,  # the default
        "jobInput": {"s3DataSource": {"path": f"s3://{BUCKET}/in/described.json"}},
        "jobOutput": {"s3DataDestination": {"path": f"s3://{BUCKET}/out/"}},
    }
    listed = aws.personalize.list_batch_segment_jobs(solutionVersionArn=built.version)["batchSegmentJobs"]
    assert [(j["batchSegmentJobArn"], j["jobName"], j["status"]) for j in listed] == [(arn, "described", "ACTIVE")]
    assert aws.personalize.list_batch_segment_jobs(solutionVersionArn=built.version + "x")["batchSegmentJobs"] == []
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=built.version)["metrics"]
    assert set(metrics) == {"coverage", "hits_at_1_percent", "recall_at_1_percent"}


def test_the_segment_of_an_attribute_is_the_users_who_chose_items_with_it(aws):
    built = segmentation_version(aws, ATTRIBUTE_AFFINITY)
    lines = [
        json.dumps({"itemAttributes": 'ITEMS.GENRE = "A"'}),
        json.dumps({"itemAttributes": 'items.genre = "B"'}),  # AWS's samples write columns both ways
        json.dumps({"itemAttributes": 'ITEMS.GENRE = "A" AND ITEMS.GENRE = "B"'}),
        json.dumps({"itemAttributes": 'ITEMS.COLOUR = "red"'}),
        json.dumps({"itemAttributes": 'ITEMS.GENRE = "A" OR ITEMS.GENRE = "B"'}),
    ]
    written = segments(aws, built, "attributes", lines, numResults=60)
    assert set(written[0]["output"]["usersList"]) == GROUP_A
    assert set(written[1]["output"]["usersList"]) == GROUP_B
    assert written[2]["error"] == (
        'No item had ITEMS.GENRE = "A" AND ITEMS.GENRE = "B" when the solution version was trained; an item attribute '
        "gets a user segment only if it was present then."
    )
    assert written[3]["error"] == (
        "ITEMS.COLOUR is not an item attribute the solution version was trained with (the Items dataset's "
        "non-textual metadata: ITEMS.GENRE)."
    )
    assert written[4]["error"].startswith("itemAttributes joins terms only with AND")


def test_a_file_over_the_recipe_quota_of_queries_fails_the_job(aws):
    built = segmentation_version(aws, ATTRIBUTE_AFFINITY)
    arn = start_job(aws, built, "eleven", [json.dumps({"itemAttributes": 'ITEMS.GENRE = "A"'})] * 11)
    failed = wait_until(lambda: describe(aws, arn), "CREATE FAILED")
    assert failed["failureReason"] == (
        f"s3://{BUCKET}/in/eleven.json holds 11 queries; a batch segment job of this recipe takes at most 10 a file."
    )


def test_a_filter_of_users_takes_its_values_from_each_line(aws):
    built = segmentation_version(aws)
    created = aws.personalize.create_filter(
        name="not-from",
        datasetGroupArn=built.group,
        filterExpression="EXCLUDE UserID WHERE Users.NATIONALITY IN ($NATIONALITY)",
    )
    wait_until(lambda: aws.personalize.describe_filter(filterArn=created["filterArn"])["filter"])
    lines = [
        json.dumps({"itemId": "a3", "filterValues": {"NATIONALITY": '"A"'}}),
        json.dumps({"itemId": "a3"}),  # an EXCLUDE filter without its values is not applied
    ]
    written = segments(aws, built, "filtered", lines, numResults=120, filterArn=created["filterArn"])
    assert set(written[0]["output"]["usersList"]) == GROUP_B
    assert set(written[1]["output"]["usersList"]) == GROUP_A | GROUP_B
    assert written[1]["output"]["usersList"][:60] == [u for u in written[1]["output"]["usersList"] if u in GROUP_A]


def test_what_a_batch_segment_job_refuses(aws):
    built = segmentation_version(aws)
    item_filter = aws.personalize.create_filter(
        name="items", datasetGroupArn=built.group, filterExpression='EXCLUDE ItemID WHERE Items.GENRE IN ("A")'
    )["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=item_filter)["filter"])
    cases = [
        ({"numResults": 0}, "numResults must be between 1 and 5,000,000; got 0."),
        (
            {"filterArn": item_filter},
            f"The filter {item_filter} chooses ItemID; a batch segment job takes a filter of users (EXCLUDE/INCLUDE "
            "UserID).",
        ),
    ]
    for extra, message in cases:
        with pytest.raises(ClientError) as raised:
            start_job(aws, built, "refused", ['{"itemId": "a1"}'], **extra)
        assert error_of(raised) == ("InvalidInputException", message)
    with pytest.raises(ClientError) as raised:
        builders.start_batch_inference_job(aws, built, f"s3://{BUCKET}/in/refused.json")
    assert error_of(raised)[1].endswith("create a batch segment job with it, not a batch inference job.")
    popularity = builders.version(aws, builders.solution(aws, built.group, name="popular"))
    with pytest.raises(ClientError) as raised:
        start_job(aws, SimpleNamespace(version=popularity, role=built.role), "popular", ['{"itemId": "a1"}'])
    assert error_of(raised)[1].startswith(f"The solution version {popularity} was trained with aws-popularity-count")


def test_at_most_five_jobs_run_at_once(aws):
    built = segmentation_version(aws)
    configure(pace=30)  # jobs stay pending while the test looks
    try:
        for n in range(5):
            start_job(aws, built, f"running-{n}", ['{"itemId": "a1"}'])
        with pytest.raises(ClientError) as raised:
            start_job(aws, built, "sixth", ['{"itemId": "a1"}'])
    finally:
        configure(pace=0)
    assert error_of(raised) == (
        "LimitExceededException",
        "There are already 5 batch segment jobs pending or in progress, the most a region allows; wait for one to "
        "finish.",
    )
