"""aws-trending-now on planted data: the item whose interactions grow fastest over the last interval comes first;
popular items fill the rest, and the whole list when nothing grows; events and new items count at once."""

import pandas as pd
import pytest

from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.recipes.base import HyperparameterError

TRENDING = trainable("aws-trending-now")
HOUR = 3_600
NOW = 1_700_000_000


def frame(events: list[tuple[str, int]]) -> pd.DataFrame:
    """Interactions from (item, seconds before NOW), each by a user of its own."""
    return pd.DataFrame(
        [(f"user{n}", item, NOW - ago) for n, (item, ago) in enumerate(events)],
        columns=["USER_ID", "ITEM_ID", "TIMESTAMP"],
    )


def train(events, frequency="1 hour"):
    config = TrainingConfig(TRENDING.hyperparameters({"trend_discovery_frequency": frequency}))
    return TRENDING.train(TrainingData(frame(events)), config)


def order(model, count=10, exclude=None):
    return [item for item, _ in model.recommend(None, count, exclude=exclude)]


def test_the_item_that_grows_most_over_the_last_interval_comes_first():
    steady = [("steady", h * HOUR + 60 * k) for h in range(6) for k in range(10)]  # 10 an hour: no increase
    rising = [("rising", 60 * k) for k in range(8)] + [("rising", HOUR + 60 * k) for k in range(2)]  # 2 -> 8
    fading = [("fading", HOUR + 60 * k) for k in range(9)]  # 9 -> 0
    model = train(steady + rising + fading)
    assert order(model) == ["rising", "steady", "fading"]
    assert all(score is None for _, score in model.recommend(None, 3))
    assert order(model, exclude={"rising"}) == ["steady", "fading"]


def test_the_interval_is_the_trend_discovery_frequency():
    events = [("day-long", 3 * HOUR + 60 * k) for k in range(20)] + [("hour-long", 60 * k) for k in range(5)]
    assert order(train(events, "1 hour"))[0] == "hour-long"
    assert order(train(events, "1 day"))[0] == "day-long"  # in one day-long interval both count, 20 beats 5
    with pytest.raises(HyperparameterError):
        TRENDING.hyperparameters({"trend_discovery_frequency": "5 minutes"})
    assert TRENDING.hyperparameters({}) == {"trend_discovery_frequency": "2 hours"}


def test_events_count_at_once_and_a_new_item_joins_the_catalogue():
    model = train([("old", HOUR + 60 * k) for k in range(5)] + [("old", 60)])
    assert model.item_ids() == ["old"]
    model.observe([{"USER_ID": f"u{k}", "ITEM_ID": "breaking", "TIMESTAMP": NOW + 60 + k} for k in range(7)])
    assert order(model) == ["breaking", "old"]
    assert model.item_ids() == ["old", "breaking"] and model.catalogue_changes == 1
