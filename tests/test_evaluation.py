"""Offline metrics on planted cases, without HTTP: the guide's worked example and AWS's split."""

import math

import pandas as pd
import pytest

from personalize_emulator.recipes import TrainingData
from personalize_emulator.training.metrics import HOLDOUT_SHARE, ranking_metrics, split


def ranked(*hits_at, length=25):
    """A ranking of `length` items in which the relevant items `hit-<n>` sit at the given positions (1-based)."""
    items = [f"miss-{n}" for n in range(1, length + 1)]
    for n, position in enumerate(hits_at):
        items[position - 1] = f"hit-{n}"
    return items


def interactions(users: int, per_user: int) -> pd.DataFrame:
    rows = [(f"u{u:03d}", f"i{u}-{t}", 1_700_000_000 + t) for u in range(users) for t in range(per_user)]
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])


def test_ndcg_matches_the_developer_guide_worked_example():
    # Hits at positions 2 and 5 of the top 5, two relevant items: NDCG@5 = 0.6241.
    metrics = ranking_metrics({"u": ranked(2, 5)}, {"u": ["hit-0", "hit-1"]}, catalogue_size=100)
    assert round(metrics["normalized_discounted_cumulative_gain_at_5"], 4) == 0.6241


def test_precision_counts_relevant_items_in_the_top_k_over_k():
    metrics = ranking_metrics({"u": ranked(2, 5, 20)}, {"u": ["hit-0", "hit-1", "hit-2"]}, catalogue_size=100)
    assert metrics["precision_at_5"] == pytest.approx(2 / 5)
    assert metrics["precision_at_10"] == pytest.approx(2 / 10)
    assert metrics["precision_at_25"] == pytest.approx(3 / 25)


def test_mean_reciprocal_rank_averages_one_over_the_first_hit():
    recommended = {"a": ranked(2), "b": ranked(4), "c": ranked()}
    truth = {"a": ["hit-0"], "b": ["hit-0"], "c": ["hit-0"]}
    metrics = ranking_metrics(recommended, truth, catalogue_size=100)
    assert metrics["mean_reciprocal_rank_at_25"] == pytest.approx((1 / 2 + 1 / 4 + 0) / 3)


def test_a_perfect_ranking_scores_one():
    metrics = ranking_metrics({"u": ranked(1, 2)}, {"u": ["hit-0", "hit-1"]}, catalogue_size=100)
    assert metrics["normalized_discounted_cumulative_gain_at_5"] == pytest.approx(1.0)
    assert metrics["mean_reciprocal_rank_at_25"] == 1.0


def test_ndcg_weighs_a_hit_by_one_over_log_of_one_plus_its_position():
    metrics = ranking_metrics({"u": ranked(3)}, {"u": ["hit-0"]}, catalogue_size=100)
    assert metrics["normalized_discounted_cumulative_gain_at_5"] == pytest.approx(math.log(2) / math.log(4))
    assert metrics["normalized_discounted_cumulative_gain_at_10"] == pytest.approx(math.log(2) / math.log(4))


def test_coverage_is_distinct_recommended_items_over_the_catalogue():
    recommended = {"a": ["x", "y"] + [f"a{n}" for n in range(23)], "b": ["x", "y"] + [f"a{n}" for n in range(23)]}
    metrics = ranking_metrics(recommended, {"a": ["x"], "b": ["y"]}, catalogue_size=100)
    assert metrics["coverage"] == pytest.approx(25 / 100)


def test_users_without_truth_do_not_count():
    metrics = ranking_metrics({"a": ranked(1), "b": ranked()}, {"a": ["hit-0"], "b": []}, catalogue_size=10)
    assert metrics["precision_at_5"] == pytest.approx(1 / 5)


def test_the_split_keeps_each_held_out_users_newest_tenth_as_truth():
    frame = interactions(users=50, per_user=20)
    train, truth = split(TrainingData(frame), seed=3)
    assert len(truth) == round(50 * HOLDOUT_SHARE)
    for user, items in truth.items():
        history = frame[frame["USER_ID"] == user].sort_values("TIMESTAMP")
        assert items == list(history["ITEM_ID"].iloc[-2:])
        kept = train.interactions[train.interactions["USER_ID"] == user]
        assert list(kept["ITEM_ID"]) == list(history["ITEM_ID"].iloc[:-2])
    others = train.interactions[~train.interactions["USER_ID"].isin(truth)]
    assert len(others) == 20 * (50 - len(truth))


def test_the_split_does_not_depend_on_row_order():
    frame = interactions(users=30, per_user=10)
    shuffled = frame.sample(frac=1, random_state=1)
    assert split(TrainingData(frame), seed=5)[1] == split(TrainingData(shuffled), seed=5)[1]


def test_the_split_is_seeded():
    frame = interactions(users=100, per_user=10)
    assert set(split(TrainingData(frame), seed=1)[1]) == set(split(TrainingData(frame), seed=1)[1])
    assert set(split(TrainingData(frame), seed=1)[1]) != set(split(TrainingData(frame), seed=2)[1])
