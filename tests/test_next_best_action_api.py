"""Next-Best-Action through the public API, on both adapters, on planted data (`planted.next_best_actions`): users of
group `a` choose items a* and always take `join`, never `subscribe`; group `b` the reverse. `upgrade` is worth more
but nobody interacted with it; `expired` expired long ago; `weekly` waits 7 days after a user's interaction.

What AWS documents and these tests hold it to:
https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-next-best-action.html (scores after 50 TAKEN and 50
NOT_TAKEN/VIEWED interactions, 0.0 before; value breaks ties), https://docs.aws.amazon.com/personalize/latest/dg/
actions-datasets.html (expiration, repeat frequency), https://docs.aws.amazon.com/personalize/latest/dg/
get-action-recommendations.html (numResults 5 by default, at most 100; scores between 0 and 1),
https://docs.aws.amazon.com/personalize/latest/dg/action-recommendation-filter-examples.html (filters of actions).
"""

import json
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from tests import builders
from tests.conftest import error_of, wait_until
from tests.recipes import planted

NEXT_BEST_ACTION = "arn:aws:personalize:::recipe/aws-next-best-action"


def deployed(aws) -> SimpleNamespace:
    built = builders.planted_group(aws, planted.next_best_actions())
    built.version = builders.version(aws, builders.solution(aws, built.group, NEXT_BEST_ACTION, name="actions"))
    built.campaign = builders.campaign(aws, built.version, name="actions")
    return built


def actions_for(aws, built, user: str, **kwargs) -> list[tuple[str, float]]:
    got = aws.runtime.get_action_recommendations(campaignArn=built.campaign, userId=user, **kwargs)
    assert got["recommendationId"]
    return [(action["actionId"], action["score"]) for action in got["actionList"]]


def test_a_user_who_always_takes_an_action_gets_it_first_and_an_expired_action_never(aws):
    built = deployed(aws)
    for user, first, other in (("a-user0", "join", "subscribe"), ("b-user7", "subscribe", "join")):
        answer = dict(actions_for(aws, built, user, numResults=100))
        assert actions_for(aws, built, user)[0][0] == first
        assert answer[first] > 0.5 > answer[other] > 0.0
        assert "expired" not in answer
        assert answer["upgrade"] == 0.0 and answer["weekly"] == 0.0  # no interactions: no score
    ranked = [action for action, _ in actions_for(aws, built, "a-user0")]
    assert ranked == ["join", "subscribe", "upgrade", "weekly"]  # 0.0 each: the greater value first
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=built.version)["metrics"]
    assert metrics["normalized_discounted_cumulative_gain_at_5"] > 0.9


def test_a_new_user_gets_the_action_of_users_with_the_same_tastes_as_soon_as_their_events_arrive(aws):
    built = deployed(aws)
    tracking = builders.tracker(aws, built.group)["trackingId"]
    before = dict(actions_for(aws, built, "newcomer"))
    assert before["join"] == pytest.approx(before["subscribe"], abs=0.05)  # nothing known of them yet
    events = [{"eventType": "click", "itemId": f"a{n}", "sentAt": planted.START + n} for n in range(5)]
    aws.events.put_events(trackingId=tracking, userId="newcomer", sessionId="s1", eventList=events)
    assert actions_for(aws, built, "newcomer")[0][0] == "join"


def test_action_interactions_streamed_in_follow_the_user_and_honour_repeat_frequency(aws):
    built = deployed(aws)
    tracking = aws.personalize.describe_dataset(datasetArn=built.action_interactions)["dataset"]["trackingId"]
    now = int(time.time())
    before = dict(actions_for(aws, built, "b-user3"))
    aws.events.put_action_interactions(
        trackingId=tracking,
        actionInteractions=[
            *({"userId": "b-user3", "sessionId": "s", "actionId": "join", "eventType": "TAKEN", "timestamp": now}
              for _ in range(8)),
            {"userId": "a-user1", "sessionId": "s", "actionId": "weekly", "eventType": "Viewed", "timestamp": now},
        ],
    )  # fmt: skip
    assert dict(actions_for(aws, built, "b-user3"))["join"] > before["join"]
    assert "weekly" not in dict(actions_for(aws, built, "a-user1", numResults=100))  # seen just now: 7 days to wait
    assert "weekly" in dict(actions_for(aws, built, "a-user2", numResults=100))
    with pytest.raises(ClientError) as raised:
        aws.events.put_action_interactions(
            trackingId=tracking,
            actionInteractions=[{"sessionId": "s", "actionId": "join", "eventType": "click", "timestamp": now}],
        )
    assert error_of(raised) == (
        "InvalidInputException",
        "actionInteractions[0]: eventType 'click' is not an action interaction event type; use Taken, Not taken or "
        "Viewed (TAKEN, NOT_TAKEN, VIEWED).",
    )


def test_actions_put_later_are_explored_and_expire_at_once(aws):
    built = deployed(aws)
    past = json.dumps({"actionExpirationTimestamp": planted.START})
    aws.events.put_actions(
        datasetArn=built.actions,
        actions=[
            {"actionId": "brand-new", "properties": json.dumps({"value": 3})},
            {"actionId": "upgrade", "properties": past},
        ],
    )
    answer = dict(actions_for(aws, built, "a-user0", numResults=100))
    assert answer["brand-new"] == 0.0  # added after training: explored, without a score
    assert "upgrade" not in answer


def test_filters_of_actions(aws):
    built = deployed(aws)

    def make(name: str, expression: str) -> str:
        arn = aws.personalize.create_filter(name=name, datasetGroupArn=built.group, filterExpression=expression)[
            "filterArn"
        ]
        wait_until(lambda: aws.personalize.describe_filter(filterArn=arn)["filter"])
        return arn

    by_category = make("category", "EXCLUDE ActionID WHERE Actions.CATEGORY IN ($CATEGORY)")
    taken = make("taken", 'INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("TAKEN")')  # stored as "Taken"
    kept = actions_for(aws, built, "a-user0", filterArn=by_category, filterValues={"CATEGORY": '"membership"'})
    assert [action for action, _ in kept] == ["subscribe", "weekly"]
    assert [action for action, _ in actions_for(aws, built, "a-user0", filterArn=taken)] == ["join"]


def test_what_next_best_action_refuses(aws):
    built = deployed(aws)
    with pytest.raises(ClientError) as raised:
        actions_for(aws, built, "a-user0", numResults=101)
    assert error_of(raised) == ("InvalidInputException", "numResults must be at most 100; got 101.")
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=built.campaign, userId="a-user0")
    assert error_of(raised) == (
        "InvalidInputException",
        "This campaign recommends actions: call GetActionRecommendations with a userId.",
    )
    with pytest.raises(ClientError) as raised:
        builders.start_batch_inference_job(aws, built, f"s3://{builders.BUCKET}/in.json")
    assert error_of(raised)[1].startswith("You can't get batch recommendations with the aws-next-best-action recipe")
    popular = builders.campaign(aws, builders.version(aws, builders.solution(aws, built.group, name="popular")), "pop")
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_action_recommendations(campaignArn=popular, userId="a-user0")
    assert error_of(raised)[1].endswith("needs a campaign of the aws-next-best-action recipe.")
    with pytest.raises(ClientError) as raised:
        aws.events.put_actions(datasetArn=built.interactions, actions=[{"actionId": "x"}])
    assert error_of(raised)[1].endswith("these records go in a dataset of type ACTIONS.")


def test_a_version_needs_an_actions_dataset_and_value_must_be_a_long(aws):
    built = builders.trained_group(aws, builders.planted_interactions({"a": 50}))
    solution = builders.solution(aws, built.group, NEXT_BEST_ACTION, name="actions")
    arn = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    failed = wait_until(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"], "CREATE FAILED"
    )
    assert failed["failureReason"].startswith("Next-Best-Action needs an Actions dataset with actions in it")
    fields = [{"name": "ACTION_ID", "type": "string"}, {"name": "VALUE", "type": "string"}]
    with pytest.raises(ClientError) as raised:
        builders.dataset(aws, built.group, "ACTIONS", fields)
    assert error_of(raised) == (
        "InvalidInputException",
        "The reserved field VALUE of a dataset of type ACTIONS must be of type long, not string.",
    )
