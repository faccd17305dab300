"""aws-sims on planted data: neighbours are what the same users chose; the knobs do what AWS says they do."""

from __future__ import annotations

import pandas as pd
import pytest

from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable
from personalize_emulator.recipes.base import HyperparameterError
from personalize_emulator.recipes.sims import HYPERPARAMETERS
from personalize_emulator.resources.recipe_catalogue import BY_ARN
from personalize_emulator.store import safe_state
from tests.recipes.planted import tastes

SIMS = trainable("aws-sims")
KEEP_ALL = {"max_item_interaction_count_percentile": "1.0", "min_item_interaction_count_percentile": "0.0"}


def train(data: TrainingData, **knobs: str):
    return SIMS.train(data, TrainingConfig(hyperparameters=knobs))


def frame(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Interactions from (user, item) pairs, in time order."""
    return pd.DataFrame(
        [(user, item, 1_700_000_000 + n) for n, (user, item) in enumerate(pairs)],
        columns=["USER_ID", "ITEM_ID", "TIMESTAMP"],
    )


def related(model, item: str, count: int = 10, exclude=None) -> list[str]:
    return [i for i, _ in model.recommend(None, count, item_id=item, exclude=exclude)]


@pytest.fixture(scope="module")
def clusters():
    """Users of group a choose only items a*, users of group b only items b* (20 items each)."""
    data = tastes(users_per_group=30, steps=20)
    return data, train(data, **KEEP_ALL)


def test_the_neighbours_of_an_item_are_the_items_chosen_by_the_same_users(clusters):
    _, model = clusters
    for item in ("a0", "a7", "b3", "b19"):
        assert {i[0] for i in related(model, item, 19)} == {item[0]}
        assert sorted(related(model, item, 19)) == sorted(f"{item[0]}{k}" for k in range(20) if f"{item[0]}{k}" != item)


def test_the_query_item_never_appears_in_its_own_list_and_the_list_is_filled(clusters):
    data, model = clusters
    catalogue = set(data.interactions["ITEM_ID"])
    for item in sorted(catalogue):
        answer = related(model, item, 500)
        assert item not in answer
        assert sorted(answer) == sorted(catalogue - {item})  # neighbours, then popular items to fill


def test_an_unknown_item_gets_the_popular_items_without_scores(clusters):
    data, model = clusters
    popular = trainable("aws-popularity-count").train(TrainingData(data.interactions), TrainingConfig())
    assert model.recommend(None, 10, item_id="never-seen") == popular.recommend(None, 10)
    assert all(score is None for _, score in model.recommend(None, 10, item_id="a1"))


def test_excluded_items_are_skipped_and_the_list_still_filled(clusters):
    _, model = clusters
    answer = related(model, "a0", 10, exclude={"a1", "a2", "a3"})
    assert len(answer) == 10 and not {"a0", "a1", "a2", "a3"} & set(answer)
    assert {i[0] for i in answer} == {"a"}


def test_popularity_discount_factor_trades_popularity_for_correlation():
    """`hit` is chosen with `query` by 5 users and by 95 others; `niche` by 4 users, all of whom chose `query`."""
    pairs = [(f"u{n}", "query") for n in range(9)]
    pairs += [(f"u{n}", "hit") for n in range(5)] + [(f"fan{n}", "hit") for n in range(95)]
    pairs += [(f"u{n}", "niche") for n in range(5, 9)]
    data = TrainingData(frame(pairs))
    assert related(train(data, popularity_discount_factor="0", **KEEP_ALL), "query", 2) == ["hit", "niche"]
    assert related(train(data, popularity_discount_factor="1", **KEEP_ALL), "query", 2) == ["niche", "hit"]


def test_pairs_chosen_together_by_too_few_users_are_not_neighbours():
    """`rare` is chosen with `query` by 2 users only; the popular `filler` comes first when 2 is below the minimum."""
    pairs = [("u1", "query"), ("u2", "query"), ("u1", "rare"), ("u2", "rare")]
    pairs += [(f"f{n}", "filler") for n in range(10)]
    data = TrainingData(frame(pairs))
    assert train(data, min_cointeraction_count="2", **KEEP_ALL).recommend(None, 1, item_id="query")[0][0] == "rare"
    assert train(data, min_cointeraction_count="3", **KEEP_ALL).recommend(None, 1, item_id="query")[0][0] == "filler"


def test_users_with_the_longest_histories_are_left_out_of_training():
    """A robot chose `x`, `y` and 50 other items; nobody else chose `x` and `y` together."""
    pairs = [("robot", "x"), ("robot", "y")] + [("robot", f"junk{n}") for n in range(50)]
    pairs += [(f"u{n}", "x") for n in range(10)] + [(f"v{n}", "y") for n in range(3)]
    pairs += [(f"w{n}", "popular") for n in range(20)]
    data = TrainingData(frame(pairs))
    knobs = {"min_cointeraction_count": "1", "popularity_discount_factor": "0", **KEEP_ALL}  # ties: popular first
    kept = train(data, max_user_history_length_percentile="1.0", **knobs)
    dropped = train(data, max_user_history_length_percentile="0.9", **knobs)
    assert related(kept, "x", 1) == ["y"]
    assert related(dropped, "x", 1) == ["popular"]


def test_by_default_the_most_interacted_items_are_left_out_and_answer_with_popular_items():
    """AWS's default max_item_interaction_count_percentile (0.9) drops the top tenth of items by interactions."""
    data = tastes(users_per_group=30, steps=20)
    model = train(data)
    counts = data.interactions["ITEM_ID"].value_counts()
    busiest = counts.index[0]
    assert counts.iloc[0] > counts.quantile(0.9) and not model.knows_item(busiest)
    popular = trainable("aws-popularity-count").train(TrainingData(data.interactions), TrainingConfig())
    assert model.recommend(None, 5, item_id=busiest) == popular.recommend(None, 5, exclude={busiest})
    assert busiest in model.item_ids()  # still recommended, and still what an INCLUDE filter chooses from


def test_hyperparameters_are_the_documented_ones_and_are_checked():
    assert SIMS.hyperparameters({}) == BY_ARN["arn:aws:personalize:::recipe/aws-sims"].default_hyperparameters
    assert set(SIMS.hyperparameters({})) == set(HYPERPARAMETERS)
    for bad, message in (
        ({"hidden_dimension": "32"}, "Unknown hyperparameters for aws-sims: hidden_dimension"),
        ({"min_cointeraction_count": "11"}, "min_cointeraction_count must be between 0 and 10"),
        ({"popularity_discount_factor": "high"}, "popularity_discount_factor must be float"),
        ({"min_user_history_length_percentile": "0.9", "max_user_history_length_percentile": "0.5"}, "exceeds"),
    ):
        with pytest.raises(HyperparameterError, match=message):
            SIMS.hyperparameters(bad)


def test_a_saved_model_loads_back_and_answers_the_same(clusters):
    _, model = clusters
    back = safe_state.loads(safe_state.dumps(model))
    for item in ("a0", "b5", "unknown"):
        assert back.recommend(None, 25, item_id=item) == model.recommend(None, 25, item_id=item)
