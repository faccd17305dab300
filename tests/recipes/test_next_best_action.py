"""aws-next-best-action on planted actions: the documented scoring rule (50 TAKEN and 50 NOT_TAKEN or VIEWED within
6 weeks), the 1,000 actions considered, the optimization period, and the spellings of event types."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from personalize_emulator.data.action_events import action_event_type
from personalize_emulator.recipes import TrainingConfig, trainable
from personalize_emulator.recipes.base import HyperparameterError
from personalize_emulator.recipes.next_best_action import DAY
from tests.recipes.planted import START, next_best_actions

NEXT_BEST_ACTION = trainable("aws-next-best-action")


def with_events(rows: list[tuple[str, str, int, str]], actions: list[str] | None = None):
    """The planted data with `rows` as its only action interactions (and `actions` as its actions, when given)."""
    data = next_best_actions()
    frame = pd.DataFrame(rows, columns=["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"])
    if actions is not None:
        return replace(data, actions=pd.DataFrame({"ACTION_ID": actions}), action_interactions=frame)
    return replace(data, action_interactions=frame)


def events(action: str, taken: int, other: int, at: int = START) -> list[tuple[str, str, int, str]]:
    return [(f"a-user{n % 60}", action, at + n, "TAKEN") for n in range(taken)] + [
        (f"b-user{n % 60}", action, at + n, "VIEWED") for n in range(other)
    ]


def test_an_action_is_scored_after_50_taken_and_50_other_interactions_within_six_weeks():
    recent = START + 60 * DAY
    data = with_events(
        events("join", 50, 50, recent)
        + events("subscribe", 49, 80, recent)  # one TAKEN short
        + events("weekly", 50, 50, recent - 43 * DAY)  # more than six weeks before the latest interaction
    )
    model = NEXT_BEST_ACTION.train(data, TrainingConfig())
    assert set(model.scored) == {"join"}
    scores = model.scores([], [], ["join", "subscribe", "weekly"])
    assert scores["join"] > 0.0 and scores["subscribe"] == scores["weekly"] == 0.0


def test_without_action_interactions_every_score_is_zero_and_value_orders():
    model = NEXT_BEST_ACTION.train(with_events([]), TrainingConfig())
    scores = model.scores(["a1"], [], ["join", "upgrade", "weekly"])
    assert scores == {"join": 0.0, "upgrade": 0.0, "weekly": 0.0}
    assert model.order(scores, {"join": 1, "upgrade": 5, "weekly": 1}) == ["upgrade", "join", "weekly"]


def test_at_most_1000_actions_are_considered_and_actions_added_later_are_explored():
    actions = [f"action-{n:04d}" for n in range(1001)]
    rows = [("a-user0", action, START + n, "TAKEN") for n, action in enumerate(actions)]
    model = NEXT_BEST_ACTION.train(with_events(rows, actions), TrainingConfig())
    assert not model.may_recommend("action-0000")  # the least recently active
    assert model.may_recommend("action-1000") and model.may_recommend("added-later")


def test_a_view_followed_by_taking_the_action_within_the_period_counts_as_taken():
    """Users view both actions; those of group `a` take `join` 10 days later. Within a 14-day period, a view of
    `join` by an `a` user is a success; within 7 days, it is not, and `join` looks no likelier for them."""
    rows = []
    for n in range(60):
        for action in ("join", "subscribe"):
            rows += [(f"a-user{n}", action, START, "Viewed"), (f"b-user{n}", action, START, "Viewed")]
        rows += [(f"a-user{n}", "join", START + 10 * DAY, "Taken"), (f"b-user{n}", "subscribe", START, "Taken")]
    data = with_events(rows)
    cold = [("a-user0", "join", "Viewed")]  # a user of group `a` who has only seen the action

    def propensity(period: str) -> float:
        config = TrainingConfig(hyperparameters={"action_optimization_period": period})
        model = NEXT_BEST_ACTION.train(data, config)
        return model.scores(["a1", "a2"], [(a, t) for _, a, t in cold], ["join"])["join"]

    assert propensity("14") > propensity("7")


@pytest.mark.parametrize("value", ["6", "29", "two weeks"])
def test_the_optimization_period_keeps_to_its_documented_range(value):
    with pytest.raises(HyperparameterError):
        NEXT_BEST_ACTION.hyperparameters({"action_optimization_period": value})


@pytest.mark.parametrize(
    "spelling, kind",
    [("Taken", "TAKEN"), ("Not taken", "NOT_TAKEN"), ("Not Taken", "NOT_TAKEN"), ("NOT_TAKEN", "NOT_TAKEN"),
     ("viewed", "VIEWED"), ("click", None), (None, None)],
)  # fmt: skip
def test_event_types_are_read_in_any_of_aws_spellings(spelling, kind):
    assert action_event_type(spelling) == kind
