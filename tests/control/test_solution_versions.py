import re

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import (
    INTERACTIONS_FIELDS,
    POPULARITY,
    campaign,
    group,
    group_with_interactions,
    planted_interactions,
    solution,
    trained_group,
    version,
    waited_for,
)
from tests.conftest import ACCOUNT, REGION, error_of, wait_until

METRICS = {
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
}
VALUED_FIELDS = [*INTERACTIONS_FIELDS, {"name": "EVENT_VALUE", "type": ["null", "float"]}]


def describe(aws, arn):
    return aws.personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]


def recommended(aws, version_arn, count=25):
    campaign_arn = campaign(aws, version_arn)
    items = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="user-00", numResults=count)["itemList"]
    return [item["itemId"] for item in items]


def failed_training(aws, frame, **solution_kwargs):
    """The description of a version trained on `frame`, once it has failed."""
    solution_arn = solution(aws, trained_group(aws, frame).group, **solution_kwargs)
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    return wait_until(lambda: describe(aws, arn), "CREATE FAILED")


def test_create_solution_version_trains_popularity_on_distinct_users(aws):
    frame = planted_interactions({"most": 50, "second": 40, "third": 30, "repeated": 2})
    # One user choosing an item over and over does not make it popular: popularity counts distinct users.
    repeats = pd.DataFrame(
        [("user-00", "repeated", 1_800_000_000 + step, "click") for step in range(300)], columns=frame.columns
    )
    frame = pd.concat([frame, repeats], ignore_index=True)
    assert frame["ITEM_ID"].value_counts().index[0] == "repeated"
    solution_arn = solution(aws, trained_group(aws, frame).group)
    arn = version(aws, solution_arn)
    assert re.fullmatch(rf"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/solution/[0-9a-f]{{8}}", arn)
    by_users = frame.groupby("ITEM_ID")["USER_ID"].nunique().sort_values(ascending=False, kind="stable")
    top = recommended(aws, arn, 4)
    assert top == list(by_users.index[:4])
    assert top == ["most", "second", "third", "repeated"]


def test_a_version_created_right_after_its_solution_waits_for_it_then_trains(aws, visible_pace):
    # AWS takes it: its samples call create_solution_version in the same second as create_solution.
    configure(pace=0)
    group_arn = trained_group(aws).group
    configure(pace=visible_pace)
    solution_arn = aws.personalize.create_solution(name="fresh", datasetGroupArn=group_arn, recipeArn=POPULARITY)[
        "solutionArn"
    ]
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    waited_for(
        lambda: describe(aws, arn), lambda: aws.personalize.describe_solution(solutionArn=solution_arn)["solution"]
    )


def test_describe_solution_version_reports_the_training_run(aws):
    built = trained_group(aws)
    solution_arn = solution(aws, built.group)
    arn = version(aws, solution_arn)
    described = describe(aws, arn)
    assert described["datasetGroupArn"] == built.group
    assert described["trainingMode"] == "FULL"
    assert described["trainingType"] == "MANUAL"
    assert described["trainingHours"] >= 0
    assert "failureReason" not in described


def test_training_on_fewer_than_1000_interactions_fails(aws):
    frame = planted_interactions({}, users=50, per_user=19)
    assert len(frame) == 950
    described = failed_training(aws, frame)
    assert described["failureReason"] == (
        "Create failed. Dataset has fewer than 1000 interactions. "
        "It has 950 interactions and 50 users with at least 2 interactions each."
    )


def test_training_with_fewer_than_25_users_with_two_interactions_fails(aws):
    regulars = planted_interactions({}, users=24, per_user=40)
    passers_by = pd.DataFrame(
        [(f"once-{n}", f"item-{n}", 1_700_000_000 + n, "click") for n in range(100)], columns=regulars.columns
    )
    frame = pd.concat([regulars, passers_by], ignore_index=True)
    assert len(frame) >= 1000
    described = failed_training(aws, frame)
    # AWS's words (the guide's common error messages), then the counts found.
    assert described["failureReason"] == (
        "Create failed. Dataset has fewer than 25 users with at least 2 interactions each. "
        "It has 1060 interactions and 24 users with at least 2 interactions each."
    )


def test_training_without_an_interactions_dataset_fails(aws):
    group_arn = group(aws)
    solution_arn = solution(aws, group_arn)
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    described = wait_until(lambda: describe(aws, arn), "CREATE FAILED")
    assert described["failureReason"] == (
        f"The dataset group {group_arn} has no Interactions dataset; create one and import data."
    )


def test_the_solution_event_type_chooses_the_training_data(aws):
    clicks = planted_interactions({"clicked": 30, "runner-up": 20})
    watches = planted_interactions({"watched": 60}, per_user=1, event_type="watch")
    frame = pd.concat([clicks, watches], ignore_index=True)
    assert frame.groupby("ITEM_ID")["USER_ID"].nunique().idxmax() == "watched"
    solution_arn = solution(aws, trained_group(aws, frame).group, eventType="click")
    top = recommended(aws, version(aws, solution_arn))
    assert top[:2] == ["clicked", "runner-up"]
    assert "watched" not in top


def test_the_event_value_threshold_drops_weaker_events(aws):
    strong = planted_interactions({"loved": 30, "liked": 20}).assign(EVENT_VALUE=0.9)
    weak = planted_interactions({"glanced": 60}, per_user=1).assign(EVENT_VALUE=0.1)
    frame = pd.concat([strong, weak], ignore_index=True)
    built = group_with_interactions(aws, VALUED_FIELDS, frame)
    solution_arn = solution(aws, built.group, solutionConfig={"eventValueThreshold": "0.5"})
    top = recommended(aws, version(aws, solution_arn))
    assert top[:2] == ["loved", "liked"]
    assert "glanced" not in top


def test_the_event_value_threshold_keeps_events_equal_to_it(aws):
    frame = planted_interactions({"at-threshold": 60}).assign(EVENT_VALUE=0.5)
    built = group_with_interactions(aws, VALUED_FIELDS, frame)
    solution_arn = solution(aws, built.group, solutionConfig={"eventValueThreshold": "0.5"})
    assert recommended(aws, version(aws, solution_arn), 1) == ["at-threshold"]


def test_training_mode_update_is_refused_for_popularity(aws):
    built = trained_group(aws)
    solution_arn = solution(aws, built.group)
    version(aws, solution_arn)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution_version(solutionArn=solution_arn, trainingMode="UPDATE")
    assert error_of(raised) == (
        "InvalidInputException",
        "trainingMode UPDATE is only for the User-Personalization and legacy HRNN-Coldstart recipes; this solution "
        "uses aws-popularity-count.",
    )


def test_create_solution_version_of_a_solution_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution_version(solutionArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_stop_solution_version_creation_while_in_progress(aws, visible_pace):
    configure(pace=0)
    solution_arn = solution(aws, trained_group(aws).group)
    configure(pace=visible_pace)
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    wait_until(lambda: describe(aws, arn), "CREATE IN_PROGRESS")
    aws.personalize.stop_solution_version_creation(solutionVersionArn=arn)
    assert describe(aws, arn)["status"] == "CREATE STOPPING"
    wait_until(lambda: describe(aws, arn), "CREATE STOPPED")


def test_stop_solution_version_creation_while_pending_stops_at_once(aws, visible_pace):
    configure(pace=0)
    solution_arn = solution(aws, trained_group(aws).group)
    configure(pace=visible_pace)
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    aws.personalize.stop_solution_version_creation(solutionVersionArn=arn)
    assert describe(aws, arn)["status"] == "CREATE STOPPED"


def test_stop_solution_version_creation_of_an_active_version_is_refused(aws):
    arn = version(aws, solution(aws, trained_group(aws).group))
    with pytest.raises(ClientError) as raised:
        aws.personalize.stop_solution_version_creation(solutionVersionArn=arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The solution version {arn} is ACTIVE; only a version being created can be stopped.",
    )


def test_get_solution_metrics_of_an_active_version(aws):
    arn = version(aws, solution(aws, trained_group(aws).group))
    answer = aws.personalize.get_solution_metrics(solutionVersionArn=arn)
    assert answer["solutionVersionArn"] == arn
    assert set(answer["metrics"]) == METRICS
    assert all(0 <= value <= 1 for value in answer["metrics"].values())
    assert answer["metrics"]["coverage"] > 0
    # Rounded as AWS's recorded answers show them: 0.4046, never 0.10099999999999981.
    assert all(value == round(value, 4) for value in answer["metrics"].values())


def test_get_solution_metrics_of_a_version_that_is_not_active(aws):
    arn = failed_training(aws, planted_interactions({}, users=50, per_user=19))["solutionVersionArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.get_solution_metrics(solutionVersionArn=arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The solution version {arn} is not in ACTIVE state; its status is CREATE FAILED.",
    )


def test_list_solution_versions_of_one_solution(aws):
    built = trained_group(aws)
    first_solution = solution(aws, built.group, name="first")
    second_solution = solution(aws, built.group, name="second")
    versions = {version(aws, first_solution), version(aws, first_solution)}
    version(aws, second_solution)
    listed = aws.personalize.list_solution_versions(solutionArn=first_solution)["solutionVersions"]
    assert {v["solutionVersionArn"] for v in listed} == versions
    assert all(v["status"] == "ACTIVE" for v in listed)
    assert set(listed[0]) <= {
        "solutionVersionArn",
        "status",
        "trainingMode",
        "trainingType",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
    }
    assert len(aws.personalize.list_solution_versions()["solutionVersions"]) == 3


def test_list_solution_versions_of_a_solution_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.list_solution_versions(solutionArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
