import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import campaign, deployed, import_frame, planted_interactions, solution, trained_group, version
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until

FIRST = planted_interactions({"old-favourite": 50, "old-second": 40})
SECOND = planted_interactions({"new-favourite": 50, "new-second": 40})


def describe(aws, arn):
    return aws.personalize.describe_campaign(campaignArn=arn)["campaign"]


def top_two(aws, campaign_arn):
    items = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="user-00", numResults=2)["itemList"]
    return [item["itemId"] for item in items]


def test_create_campaign_moves_to_active_with_one_tps_by_default(aws, visible_pace):
    configure(pace=0)
    version_arn = version(aws, solution(aws, trained_group(aws).group))
    configure(pace=visible_pace)
    arn = aws.personalize.create_campaign(name="live", solutionVersionArn=version_arn)["campaignArn"]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:campaign/live"
    assert describe(aws, arn)["status"] == "CREATE PENDING"
    wait_until(lambda: describe(aws, arn), "CREATE IN_PROGRESS")
    described = wait_until(lambda: describe(aws, arn))
    assert described["minProvisionedTPS"] == 1


def test_create_campaign_on_a_version_still_training_is_refused(aws, visible_pace):
    configure(pace=0)
    solution_arn = solution(aws, trained_group(aws).group)
    configure(pace=visible_pace)
    version_arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_campaign(name="early", solutionVersionArn=version_arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The solution version {version_arn} is not in ACTIVE state; its status is CREATE PENDING. "
        "Wait until its status is ACTIVE before deploying it.",
    )


def test_create_campaign_on_a_version_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/missing/0123abcd"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_campaign(name="nowhere", solutionVersionArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_create_campaign_twice_is_refused(aws):
    built = deployed(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_campaign(name="campaign", solutionVersionArn=built.version)
    assert error_of(raised) == (
        "ResourceAlreadyExistsException",
        f"Another resource with Arn {built.campaign} already exists.",
    )


def test_create_campaign_refuses_exploration_for_popularity(aws):
    version_arn = version(aws, solution(aws, trained_group(aws).group))
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_campaign(
            name="exploring",
            solutionVersionArn=version_arn,
            campaignConfig={"itemExplorationConfig": {"explorationWeight": "0.5"}},
        )
    assert error_of(raised) == (
        "InvalidInputException",
        "itemExplorationConfig applies only to the User-Personalization recipe, not aws-popularity-count.",
    )


def test_describe_campaign_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:campaign/missing"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_campaigns_by_solution(aws):
    built = trained_group(aws)
    first_solution = solution(aws, built.group, name="first")
    second_solution = solution(aws, built.group, name="second")
    first = campaign(aws, version(aws, first_solution), name="one")
    campaign(aws, version(aws, second_solution), name="two")
    listed = aws.personalize.list_campaigns(solutionArn=first_solution)["campaigns"]
    assert [c["campaignArn"] for c in listed] == [first]
    assert set(listed[0]) <= {
        "name",
        "campaignArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
    }
    assert sorted(c["name"] for c in aws.personalize.list_campaigns()["campaigns"]) == ["one", "two"]


def test_update_campaign_serves_the_new_version_once_the_update_is_active(aws, visible_pace):
    configure(pace=0)
    built = deployed(aws, FIRST)
    import_frame(aws, built.interactions, SECOND, built.role, name="second-import")
    newer = version(aws, built.solution)
    configure(pace=visible_pace)
    aws.personalize.update_campaign(campaignArn=built.campaign, solutionVersionArn=newer, minProvisionedTPS=3)
    pending = describe(aws, built.campaign)
    assert pending["latestCampaignUpdate"]["status"] == "CREATE PENDING"
    assert pending["solutionVersionArn"] == built.version
    assert top_two(aws, built.campaign) == ["old-favourite", "old-second"]
    wait_until(lambda: describe(aws, built.campaign)["latestCampaignUpdate"])
    updated = describe(aws, built.campaign)
    assert updated["solutionVersionArn"] == newer
    assert updated["minProvisionedTPS"] == 3
    assert top_two(aws, built.campaign) == ["new-favourite", "new-second"]


def test_update_campaign_while_an_update_is_in_progress_is_refused(aws, visible_pace):
    configure(pace=0)
    built = deployed(aws)
    configure(pace=visible_pace)
    aws.personalize.update_campaign(campaignArn=built.campaign, minProvisionedTPS=2)
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_campaign(campaignArn=built.campaign, minProvisionedTPS=3)
    assert error_of(raised) == ("ResourceInUseException", f"The campaign {built.campaign} has an update in progress.")


def test_update_campaign_while_it_is_being_created_is_refused(aws, visible_pace):
    configure(pace=0)
    version_arn = version(aws, solution(aws, trained_group(aws).group))
    configure(pace=visible_pace)
    arn = aws.personalize.create_campaign(name="young", solutionVersionArn=version_arn)["campaignArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_campaign(campaignArn=arn, minProvisionedTPS=2)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The campaign {arn} is CREATE PENDING; it can be updated only when ACTIVE or CREATE FAILED.",
    )


def test_update_campaign_refuses_exploration_for_popularity(aws):
    built = deployed(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_campaign(
            campaignArn=built.campaign, campaignConfig={"itemExplorationConfig": {"explorationWeight": "0.1"}}
        )
    assert error_of(raised) == (
        "InvalidInputException",
        "itemExplorationConfig applies only to the User-Personalization recipe, not aws-popularity-count.",
    )


def test_delete_campaign_passes_through_delete_pending_and_disappears(aws, visible_pace):
    configure(pace=0)
    built = deployed(aws)
    configure(pace=visible_pace)
    aws.personalize.delete_campaign(campaignArn=built.campaign)
    assert describe(aws, built.campaign)["status"] == "DELETE PENDING"
    wait_until(lambda: describe(aws, built.campaign), "DELETE IN_PROGRESS")

    def exists():
        return any(c["campaignArn"] == built.campaign for c in aws.personalize.list_campaigns()["campaigns"])

    wait_gone(exists)
    with pytest.raises(ClientError) as raised:
        describe(aws, built.campaign)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {built.campaign} does not exist.")


def test_delete_campaign_twice_is_refused(aws, visible_pace):
    configure(pace=0)
    built = deployed(aws)
    configure(pace=visible_pace)
    aws.personalize.delete_campaign(campaignArn=built.campaign)
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_campaign(campaignArn=built.campaign)
    assert error_of(raised) == ("ResourceInUseException", f"{built.campaign} is already being deleted.")


def test_deleting_the_campaign_frees_its_solution_for_deletion(aws):
    built = deployed(aws)
    aws.personalize.delete_campaign(campaignArn=built.campaign)
    wait_gone(lambda: bool(aws.personalize.list_campaigns()["campaigns"]))
    aws.personalize.delete_solution(solutionArn=built.solution)
    wait_gone(lambda: bool(aws.personalize.list_solutions()["solutions"]))
