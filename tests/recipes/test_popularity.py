"""aws-popularity-count on planted data: distinct users decide, ties go by item id, the same list for all."""

import pandas as pd

from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.recipes.popularity import EventCount

POPULARITY = trainable("aws-popularity-count")


def frame(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Interactions from (user, item) pairs, in time order."""
    return pd.DataFrame(
        [(user, item, 1_700_000_000 + n) for n, (user, item) in enumerate(pairs)],
        columns=["USER_ID", "ITEM_ID", "TIMESTAMP"],
    )


def train(pairs, items=None):
    return POPULARITY.train(TrainingData(frame(pairs), items), TrainingConfig())


def order(model, count=10, exclude=None):
    return [item for item, _ in model.recommend("anyone", count, exclude=exclude)]


def test_items_are_ranked_by_their_number_of_distinct_users():
    pairs = [("a", "wide"), ("b", "wide"), ("c", "wide"), ("a", "narrow"), ("b", "narrow")]
    pairs += [("d", "binged")] * 50  # one user, many times: still one user
    assert order(train(pairs)) == ["wide", "narrow", "binged"]


def test_ties_are_broken_by_item_id():
    pairs = [("a", "zebra"), ("b", "zebra"), ("a", "apple"), ("b", "apple"), ("c", "mango")]
    assert order(train(pairs)) == ["apple", "zebra", "mango"]


def test_every_user_gets_the_same_list_without_scores():
    model = train([("a", "x"), ("b", "x"), ("a", "y")])
    assert model.recommend("a", 5) == model.recommend("stranger", 5) == [("x", None), ("y", None)]


def test_num_results_cuts_the_list():
    model = train([(u, f"item-{n}") for n in range(10) for u in "abcdefghij"[: 10 - n]])
    assert order(model, 3) == ["item-0", "item-1", "item-2"]


def test_exclude_skips_items_and_still_fills_the_list():
    model = train([(u, f"item-{n}") for n in range(6) for u in "abcdef"[: 6 - n]])
    assert order(model, 3, exclude={"item-0", "item-2"}) == ["item-1", "item-3", "item-4"]


def test_items_known_only_from_the_items_dataset_come_last():
    items = pd.DataFrame({"ITEM_ID": ["catalogue-only", "x"]})
    model = train([("a", "x"), ("b", "x"), ("a", "y")], items)
    assert order(model) == ["x", "y", "catalogue-only"]
    assert model.knows_item("catalogue-only")
    assert not model.knows_item("never-seen")


def test_rank_orders_known_items_by_popularity_and_leaves_out_unknown_ones():
    model = train([("a", "x"), ("b", "x"), ("a", "y")])
    assert model.rank("a", ["y", "unknown", "x", "y"]) == [("x", None), ("y", None)]


def test_event_count_ranks_by_interactions_not_people():
    pairs = [("a", "wide"), ("b", "wide"), ("c", "wide")] + [("d", "binged")] * 5
    model = EventCount().train(TrainingData(frame(pairs)), TrainingConfig())
    assert order(model) == ["binged", "wide"]
