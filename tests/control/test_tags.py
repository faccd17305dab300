import pytest
from botocore.exceptions import ClientError

from tests.builders import group
from tests.conftest import ACCOUNT, REGION, error_of


def tags_of(aws, arn):
    return {t["tagKey"]: t["tagValue"] for t in aws.personalize.list_tags_for_resource(resourceArn=arn)["tags"]}


def tag_list(count, prefix="key"):
    return [{"tagKey": f"{prefix}-{n}", "tagValue": str(n)} for n in range(count)]


def test_tag_resource_adds_to_the_tags_given_at_creation(aws):
    arn = aws.personalize.create_dataset_group(name="tagged", tags=[{"tagKey": "team", "tagValue": "recs"}])[
        "datasetGroupArn"
    ]
    aws.personalize.tag_resource(resourceArn=arn, tags=[{"tagKey": "stage", "tagValue": "test"}])
    assert tags_of(aws, arn) == {"team": "recs", "stage": "test"}


def test_tag_resource_replaces_the_value_of_an_existing_key(aws):
    arn = group(aws)
    aws.personalize.tag_resource(resourceArn=arn, tags=[{"tagKey": "stage", "tagValue": "test"}])
    aws.personalize.tag_resource(resourceArn=arn, tags=[{"tagKey": "stage", "tagValue": "prod"}])
    assert tags_of(aws, arn) == {"stage": "prod"}


def test_untag_resource_removes_only_the_keys_named(aws):
    arn = group(aws)
    aws.personalize.tag_resource(resourceArn=arn, tags=tag_list(3))
    aws.personalize.untag_resource(resourceArn=arn, tagKeys=["key-0", "key-2", "not-there"])
    assert tags_of(aws, arn) == {"key-1": "1"}


def test_list_tags_of_an_untagged_resource_is_empty(aws):
    assert aws.personalize.list_tags_for_resource(resourceArn=group(aws))["tags"] == []


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_tags_of_a_resource_that_does_not_exist(aws, operation):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    calls = {
        "tag": lambda: aws.personalize.tag_resource(resourceArn=arn, tags=tag_list(1)),
        "untag": lambda: aws.personalize.untag_resource(resourceArn=arn, tagKeys=["key-0"]),
        "list": lambda: aws.personalize.list_tags_for_resource(resourceArn=arn),
    }
    with pytest.raises(ClientError) as raised:
        calls[operation]()
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_more_than_50_tags_are_refused(aws):
    arn = group(aws)
    aws.personalize.tag_resource(resourceArn=arn, tags=tag_list(50))
    with pytest.raises(ClientError) as raised:
        aws.personalize.tag_resource(resourceArn=arn, tags=tag_list(1, "extra"))
    assert error_of(raised) == ("TooManyTagsException", "A resource can have at most 50 tags; this would give it 51.")
    assert len(tags_of(aws, arn)) == 50


def test_more_than_50_tag_keys_to_remove_are_refused(aws):
    arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.untag_resource(resourceArn=arn, tagKeys=[f"key-{n}" for n in range(51)])
    assert error_of(raised) == ("TooManyTagKeysException", "At most 50 tag keys can be removed at once.")


def test_more_than_50_tags_at_creation_are_refused(aws):
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_dataset_group(name="crowded", tags=tag_list(51))
    assert error_of(raised) == ("TooManyTagsException", "A resource can have at most 50 tags; 51 were given.")
    assert aws.personalize.list_dataset_groups()["datasetGroups"] == []
