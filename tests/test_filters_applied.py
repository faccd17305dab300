"""Filters applied by GetRecommendations, on both adapters, to data whose right answer is known."""

from __future__ import annotations

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from tests.builders import (
    campaign,
    dataset,
    group,
    import_frame,
    planted_interactions,
    solution,
    tracker,
    trained_group,
    version,
)
from tests.conftest import error_of, wait_until
from tests.test_user_personalization_api import RECIPE, SMALL, planted_group

PLANTED = {"first": 55, "second": 45, "third": 35, "fourth": 25}
ITEMS = pd.DataFrame(
    {
        "ITEM_ID": ["first", "second", "third", "fourth"],
        "GENRES": ["Comedy", "Drama|Comedy", "Drama", "Horror"],
        "CREATION_TIMESTAMP": [1_600_000_000, 1_650_000_000, 1_700_000_000, 1_750_000_000],
    }
)
USERS = pd.DataFrame({"USER_ID": ["user-00", "user-01"], "NATIONALITY": ["FR", "DE"]})


def shop(aws, **campaign_kwargs):
    """A popularity campaign on planted interactions (first > second > third > fourth > items chosen once), with
    Items (first Comedy, second Drama|Comedy, third Drama, fourth Horror) and Users (user-00 FR, user-01 DE)."""
    built = trained_group(aws, planted_interactions(PLANTED))
    for kind, frame in (("ITEMS", ITEMS), ("USERS", USERS)):
        setattr(built, kind.lower(), dataset(aws, built.group, kind))
        import_frame(aws, getattr(built, kind.lower()), frame, built.role, kind.lower())
    built.campaign = campaign(aws, version(aws, solution(aws, built.group)), **campaign_kwargs)
    return built


def make_filter(aws, group_arn: str, expression: str, name: str = "filter") -> str:
    arn = aws.personalize.create_filter(name=name, datasetGroupArn=group_arn, filterExpression=expression)["filterArn"]
    wait_until(lambda: aws.personalize.describe_filter(filterArn=arn)["filter"])
    return arn


def recommended(aws, campaign_arn: str, user: str = "user-00", count: int = 25, **kwargs) -> list[str]:
    answer = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=count, **kwargs)
    return [item["itemId"] for item in answer["itemList"]]


@pytest.fixture
def live(aws):
    return shop(aws)


def test_an_excluded_item_never_appears_and_the_list_stays_full(aws, live):
    arn = make_filter(aws, live.group, 'EXCLUDE ItemID WHERE Items.ITEM_ID IN ("first", "third")')
    items = recommended(aws, live.campaign, filterArn=arn)
    assert items[:2] == ["second", "fourth"]
    assert len(items) == 25 and not {"first", "third"} & set(items)


def test_include_by_genre_returns_only_that_genre_in_the_trained_order(aws, live):
    arn = make_filter(aws, live.group, 'INCLUDE ItemID WHERE Items.GENRES IN ("Comedy")')
    assert recommended(aws, live.campaign, filterArn=arn) == ["first", "second"]


def test_parameters_are_bound_from_filter_values(aws, live):
    arn = make_filter(aws, live.group, "INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)")
    assert recommended(aws, live.campaign, filterArn=arn, filterValues={"GENRES": '"Horror","Drama"'}) == [
        "second", "third", "fourth"]  # fmt: skip
    newer = make_filter(aws, live.group, "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP > $SINCE", name="newer")
    assert recommended(aws, live.campaign, filterArn=newer, filterValues={"SINCE": "1690000000"}) == ["third", "fourth"]


def test_an_include_parameter_without_a_value_is_refused(aws, live):
    arn = make_filter(aws, live.group, "INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)")
    with pytest.raises(ClientError) as raised:
        recommended(aws, live.campaign, filterArn=arn)
    assert error_of(raised) == (
        "InvalidInputException",
        f"The filter {arn} needs a value for $GENRES in filterValues: an INCLUDE expression needs values for all "
        "its parameters (parameter names are case-sensitive).",
    )


def test_an_exclude_expression_without_its_value_is_not_used(aws, live):
    arn = make_filter(aws, live.group, "EXCLUDE ItemID WHERE Items.GENRES IN ($GENRES)")
    assert recommended(aws, live.campaign, filterArn=arn) == recommended(aws, live.campaign)


def test_if_current_user_filters_only_the_users_it_names(aws, live):
    expression = 'INCLUDE ItemID WHERE Items.GENRES IN ("Drama") IF CurrentUser.NATIONALITY IN ("FR")'
    arn = make_filter(aws, live.group, expression)
    assert recommended(aws, live.campaign, "user-00", filterArn=arn) == ["second", "third"]
    assert recommended(aws, live.campaign, "user-01", filterArn=arn) == recommended(aws, live.campaign, "user-01")


def test_chained_expressions_include_one_genre_minus_what_the_user_clicked(aws, live):
    expression = (
        'INCLUDE ItemID WHERE Items.GENRES IN ("Comedy", "Horror") '
        '| EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    )
    arn = make_filter(aws, live.group, expression)
    assert recommended(aws, live.campaign, "user-30", filterArn=arn) == ["fourth"]  # user-30 chose first and second
    assert recommended(aws, live.campaign, "user-50", filterArn=arn) == ["second", "fourth"]  # chose first only
    assert recommended(aws, live.campaign, "user-59", filterArn=arn) == ["first", "second", "fourth"]


def test_an_item_the_user_just_clicked_is_excluded_on_the_next_call(aws, live):
    arn = make_filter(aws, live.group, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")')
    assert recommended(aws, live.campaign, "user-59", 4, filterArn=arn) == ["first", "second", "third", "fourth"]
    created = tracker(aws, live.group)
    event = {"eventType": "click", "itemId": "second", "sentAt": 1_800_000_000}
    aws.events.put_events(trackingId=created["trackingId"], userId="user-59", sessionId="s", eventList=[event])
    after = recommended(aws, live.campaign, "user-59", 4, filterArn=arn)
    assert after[:3] == ["first", "third", "fourth"] and "second" not in after


def test_a_filter_of_another_dataset_group_is_refused(aws, live):
    other = group(aws, "other")
    dataset(aws, other, "ITEMS", name="other-items")
    arn = make_filter(aws, other, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Drama")', name="elsewhere")
    with pytest.raises(ClientError) as raised:
        recommended(aws, live.campaign, filterArn=arn)
    assert error_of(raised) == (
        "InvalidInputException",
        f"The filter {arn} belongs to the dataset group {other}, not to {live.group}, whose solution answers this "
        "request.",
    )


def test_a_filter_not_yet_active_is_refused(aws, live, visible_pace):
    arn = aws.personalize.create_filter(
        name="young", datasetGroupArn=live.group, filterExpression='EXCLUDE ItemID WHERE Items.GENRES IN ("Drama")'
    )["filterArn"]
    with pytest.raises(ClientError) as raised:
        recommended(aws, live.campaign, filterArn=arn)
    assert error_of(raised) == (
        "InvalidInputException",
        f"The filter {arn} is CREATE PENDING; a filter applies only when ACTIVE.",
    )


def test_a_filter_that_does_not_exist_is_404(aws, live):
    arn = live.group.replace(":dataset-group/group", ":filter/missing")
    with pytest.raises(ClientError) as raised:
        recommended(aws, live.campaign, filterArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_exploration_draws_only_from_what_the_filter_keeps(aws):
    group_arn, _ = planted_group(aws)
    solution_arn = solution(aws, group_arn, RECIPE, solutionConfig=SMALL)
    version_arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    describe = aws.personalize.describe_solution_version
    wait_until(lambda: describe(solutionVersionArn=version_arn)["solutionVersion"])
    # every item is younger than the cut-off, so all are cold, and every slot explores
    explore_all = {"itemExplorationConfig": {"explorationWeight": "1", "explorationItemAgeCutOff": "100000"}}
    campaign_arn = campaign(aws, version_arn, campaignConfig=explore_all)
    arn = make_filter(aws, group_arn, 'EXCLUDE ItemID WHERE Items.GENRE IN ("A")')
    for user in ("a-user1", "b-user1", "a-user2", "walk-in") * 3:
        items = recommended(aws, campaign_arn, user, 10, filterArn=arn)
        assert len(items) == 10 and all(item.startswith("b") for item in items)
    assert any(item.startswith("a") for item in recommended(aws, campaign_arn, "a-user1", 20))
