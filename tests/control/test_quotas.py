"""AWS's quotas ("Amazon Personalize endpoints and quotas", docs.aws.amazon.com/personalize/latest/dg/limits.html),
each refused with LimitExceededException, in AWS's words where its "Common error messages" page quotes them."""

import json

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests import builders
from tests.builders import BUCKET, ITEMS_FIELDS, avro, group, solution, upload
from tests.conftest import error_of, wait_until

PENDING = ("LimitExceededException", "More than {} resources with PENDING or IN_PROGRESS status.")


def active_refusal(what: str, limit: int) -> tuple[str, str]:
    return (
        "LimitExceededException",
        f"Cannot create a {what}. More than {limit} resources in ACTIVE state. Please delete some and try again.",
    )


def test_a_sixth_import_job_while_five_are_pending_is_refused_in_aws_words(aws, held_pace):
    built = builders.trained_group(aws, builders.planted_interactions({}))
    location = upload(aws, "more.csv", builders.planted_interactions({}))
    held_pace()
    for n in range(5):
        builders.start_import(aws, built.interactions, location, built.role, f"more-{n}", "INCREMENTAL")
    with pytest.raises(ClientError) as raised:
        builders.start_import(aws, built.interactions, location, built.role, "sixth", "INCREMENTAL")
    assert error_of(raised) == (PENDING[0], PENDING[1].format(5))


def test_a_twenty_first_solution_version_in_training_is_refused_and_the_quota_adjusts(aws, held_pace):
    solution_arn = solution(aws, builders.trained_group(aws).group)
    held_pace()
    for _ in range(20):
        aws.personalize.create_solution_version(solutionArn=solution_arn)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution_version(solutionArn=solution_arn)
    assert error_of(raised) == (PENDING[0], PENDING[1].format(20))
    configure(quotas={"pending_solution_versions": 21})
    aws.personalize.create_solution_version(solutionArn=solution_arn)


def test_a_sixth_batch_inference_job_while_five_are_pending_is_refused(aws, held_pace):
    built = builders.trained_group(aws, builders.planted_interactions({"a": 30}))
    built.version = builders.version(aws, builders.solution(aws, built.group))
    source = upload(aws, "in/users.json", json.dumps({"userId": "user-01"}) + "\n")

    def start(name: str) -> None:
        aws.personalize.create_batch_inference_job(
            jobName=name,
            solutionVersionArn=built.version,
            roleArn=built.role,
            jobInput={"s3DataSource": {"path": source}},
            jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/out/{name}/"}},
        )

    held_pace()
    for n in range(5):
        start(f"batch-{n}")
    with pytest.raises(ClientError) as raised:
        start("sixth")
    assert error_of(raised) == (PENDING[0], PENDING[1].format(5))


def test_a_sixth_campaign_in_a_dataset_group_is_refused_in_aws_words_and_the_quota_adjusts(aws):
    built = builders.deployed(aws)
    for n in range(4):
        aws.personalize.create_campaign(name=f"more-{n}", solutionVersionArn=built.version)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_campaign(name="sixth", solutionVersionArn=built.version)
    assert error_of(raised) == active_refusal("campaign", 5)
    configure(quotas={"active_campaigns_per_dataset_group": 6})
    aws.personalize.create_campaign(name="sixth", solutionVersionArn=built.version)


def test_an_eleventh_solution_in_a_dataset_group_is_refused(aws):
    group_arn = group(aws)
    for n in range(10):
        aws.personalize.create_solution(name=f"s{n}", datasetGroupArn=group_arn, recipeArn=builders.POPULARITY)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="eleventh", datasetGroupArn=group_arn, recipeArn=builders.POPULARITY)
    assert error_of(raised) == active_refusal("solution", 10)


def test_a_sixth_dataset_group_is_refused_and_a_deleted_one_frees_its_place(aws):
    arns = [aws.personalize.create_dataset_group(name=f"g{n}")["datasetGroupArn"] for n in range(5)]
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset_group(name="sixth")
    assert error_of(raised) == active_refusal("dataset group", 5)
    wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arns[0])["datasetGroup"])
    aws.personalize.delete_dataset_group(datasetGroupArn=arns[0])
    aws.personalize.create_dataset_group(name="sixth")


def test_schema_501_is_refused(aws):
    schema = avro("Users", builders.USERS_FIELDS)
    for n in range(500):
        aws.personalize.create_schema(name=f"s{n}", schema=schema)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_schema(name="s500", schema=schema)
    assert error_of(raised) == active_refusal("schema", 500)


def items_group(aws, fields: int) -> str:
    """A dataset group with Interactions and Items, the Items schema with `fields` categorical fields F00, F01, ..."""
    group_arn = group(aws)
    builders.dataset(aws, group_arn)
    extra = [{"name": f"F{n:02d}", "type": ["null", "string"], "categorical": True} for n in range(fields)]
    builders.dataset(aws, group_arn, "ITEMS", [*ITEMS_FIELDS, *extra])
    return group_arn


def reading(*fields: int) -> str:
    return "INCLUDE ItemID WHERE " + " AND ".join(f'Items.F{n:02d} IN ("x")' for n in fields)


def test_a_thirty_first_filter_in_a_dataset_group_is_refused(aws):
    group_arn = items_group(aws, 1)
    for n in range(30):
        aws.personalize.create_filter(name=f"f{n}", datasetGroupArn=group_arn, filterExpression=reading(0))
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_filter(name="f30", datasetGroupArn=group_arn, filterExpression=reading(0))
    assert error_of(raised) == active_refusal("filter", 30)


def test_a_filter_reads_at_most_ten_fields_and_a_group_s_filters_twenty(aws):
    group_arn = items_group(aws, 21)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_filter(name="wide", datasetGroupArn=group_arn, filterExpression=reading(*range(11)))
    assert error_of(raised) == (
        "LimitExceededException",
        "Could not create filter. The expression reads 11 distinct dataset fields; a filter can read at most 10.",
    )
    aws.personalize.create_filter(name="first", datasetGroupArn=group_arn, filterExpression=reading(*range(10)))
    aws.personalize.create_filter(name="second", datasetGroupArn=group_arn, filterExpression=reading(*range(10, 20)))
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_filter(name="third", datasetGroupArn=group_arn, filterExpression=reading(0, 20))
    assert error_of(raised) == (
        "LimitExceededException",
        "Could not create filter. With it, the filters of the dataset group would read 21 distinct dataset fields; "
        "together they can read at most 20.",
    )
