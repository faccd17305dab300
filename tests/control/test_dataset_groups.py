import pytest
from botocore.exceptions import ClientError

from tests.builders import dataset, group, solution, trained_group
from tests.conftest import ACCOUNT, REGION, wait_gone, wait_until


def test_create_dataset_group_moves_through_pending_to_active(aws, visible_pace):
    created = aws.personalize.create_dataset_group(name="movies", tags=[{"tagKey": "team", "tagValue": "recs"}])
    arn = created["datasetGroupArn"]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/movies"
    first = aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
    assert first["status"] == "CREATE PENDING"
    wait_until(
        lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"], "CREATE IN_PROGRESS"
    )
    described = wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    assert described["name"] == "movies"
    assert described["lastUpdatedDateTime"] >= described["creationDateTime"]
    assert aws.personalize.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "team", "tagValue": "recs"}]


def test_create_dataset_group_twice_is_refused(aws):
    arn = group(aws, "movies")
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset_group(name="movies")
    assert raised.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    assert raised.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."


def test_create_dataset_group_refuses_a_name_outside_the_pattern(aws):
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset_group(name="bad name!")
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidInputException"
    assert error["Message"] == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*"
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_describe_dataset_group_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_dataset_group(datasetGroupArn=arn)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert raised.value.response["Error"]["Message"] == f"Resource Arn {arn} does not exist."
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_dataset_groups_pages_with_next_token(aws):
    for index in range(5):
        aws.personalize.create_dataset_group(name=f"group-{index}")
    first = aws.personalize.list_dataset_groups(maxResults=2)
    assert len(first["datasetGroups"]) == 2 and "nextToken" in first
    pages = aws.personalize.get_paginator("list_dataset_groups").paginate(PaginationConfig={"PageSize": 2})
    names = [g["name"] for page in pages for g in page["datasetGroups"]]
    assert sorted(names) == [f"group-{i}" for i in range(5)]
    assert set(first["datasetGroups"][0]) <= {
        "name",
        "datasetGroupArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
        "domain",
    }


def test_list_dataset_groups_refuses_a_forged_token(aws):
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_dataset_groups(nextToken="not-a-token")
    assert raised.value.response["Error"]["Code"] == "InvalidNextTokenException"
    assert raised.value.response["Error"]["Message"] == "The token is not valid."


def test_delete_dataset_group_passes_through_delete_pending_and_disappears(aws, visible_pace):
    arn = group(aws)
    aws.personalize.delete_dataset_group(datasetGroupArn=arn)
    assert aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] == "DELETE PENDING"
    wait_until(
        lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"], "DELETE IN_PROGRESS"
    )

    def exists():
        return any(g["datasetGroupArn"] == arn for g in aws.personalize.list_dataset_groups()["datasetGroups"])

    wait_gone(exists)


def test_delete_dataset_group_with_a_dataset_is_refused(aws):
    arn = group(aws)
    dataset_arn = dataset(aws, arn)
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset_group(datasetGroupArn=arn)
    assert raised.value.response["Error"]["Code"] == "ResourceInUseException"
    assert raised.value.response["Error"]["Message"] == f"{arn} is in use by {dataset_arn}; delete those first."


def test_delete_dataset_group_with_a_solution_is_refused(aws):
    built = trained_group(aws)
    solution_arn = solution(aws, built.group)
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset_group(datasetGroupArn=built.group)
    assert raised.value.response["Error"]["Code"] == "ResourceInUseException"
    assert solution_arn in raised.value.response["Error"]["Message"]
