"""Waiting: ACTIVE returns the description, failures raise with AWS's reason, slowness raises with the status."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpers import ResourceFailed, wait_for_active, wait_for_deleted
from helpers.waiting import resource_type
from tests import builders


def test_the_arn_names_the_describe_call():
    prefix = "arn:aws:personalize:us-east-1:123456789012:"
    assert resource_type(prefix + "solution/s") == "solution"
    assert resource_type(prefix + "solution/s/1a2b3c4d") == "solution-version"
    assert resource_type(prefix + "dataset/g/INTERACTIONS") == "dataset"
    assert resource_type(prefix + "dataset-import-job/j") == "dataset-import-job"


def test_active_returns_the_description(target, aws):
    arn = aws.personalize.create_dataset_group(name="g")["datasetGroupArn"]
    assert wait_for_active(target, arn)["name"] == "g"


def test_a_failure_raises_with_the_failure_reason(target, aws):
    tiny = builders.synthetic_interactions(users=5, items=10, per_user=4)
    built = builders.trained_group(aws, tiny)
    version = aws.personalize.create_solution_version(solutionArn=builders.solution(aws, built.group))
    with pytest.raises(ResourceFailed, match=r"ended CREATE FAILED: .*fewer than 1000 interactions"):
        wait_for_active(target, version["solutionVersionArn"])


def test_a_timeout_raises_with_the_last_status_and_says_how_to_wait_longer(target, aws, visible_pace):
    arn = aws.personalize.create_dataset_group(name="slow")["datasetGroupArn"]
    with pytest.raises(TimeoutError, match=r"dataset-group/slow is still CREATE (PENDING|IN_PROGRESS) .*0 s"):
        wait_for_active(target, arn, timeout=0.05)
    with pytest.raises(TimeoutError, match=r"wait limit of 0 s\. .*raise WAIT_LIMIT_MINUTES"):
        wait_for_deleted(replace(target, wait_limit=0.05), arn)  # the target's limit, when no timeout is given


def test_a_campaign_update_is_waited_for(target, aws, visible_pace):
    built = builders.deployed(aws)
    aws.personalize.update_campaign(campaignArn=built.campaign, minProvisionedTPS=2)
    campaign = wait_for_active(target, built.campaign)
    assert campaign["latestCampaignUpdate"]["status"] == "ACTIVE"
    assert campaign["minProvisionedTPS"] == 2


def test_deleted_returns_once_the_resource_is_gone(target, aws):
    arn = builders.group(aws, "doomed")
    aws.personalize.delete_dataset_group(datasetGroupArn=arn)
    wait_for_deleted(target, arn)
    assert aws.personalize.list_dataset_groups()["datasetGroups"] == []
