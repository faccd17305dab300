"""The User-Personalization recipe on data whose right answers are planted (tests/recipes/planted.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.airline import airline_catalogue, make_airline_reviews, to_personalize
from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.recipes.base import HyperparameterError, TrainingConfig, TrainingData
from personalize_emulator.recipes.user_personalization import UserPersonalization
from personalize_emulator.recipes.user_personalization.exploration import Exposure, explore
from personalize_emulator.store.safe_state import dumps, loads
from tests.recipes.planted import START, cabins, tastes, when

SMALL = {"hidden_dimension": "32"}
RECIPE = UserPersonalization()


def train(data: TrainingData, previous=None, mode: str = "FULL", **hyperparameters):
    return RECIPE.train(data, TrainingConfig(SMALL | hyperparameters, training_mode=mode), previous)


def with_newcomers(data: TrainingData) -> TrainingData:
    """Add a user with metadata and no history, and an item with metadata and no interactions, per group."""
    users = pd.concat([data.users, pd.DataFrame({"USER_ID": ["a-newbie", "b-newbie"], "NATIONALITY": ["A", "B"]})])
    items = pd.concat(
        [
            data.items,
            pd.DataFrame({"ITEM_ID": ["a-fresh", "b-fresh"], "GENRE": ["A", "B"], "CREATION_TIMESTAMP": START}),
        ]
    )
    return TrainingData(data.interactions, items, users, data.schemas)


@pytest.fixture(scope="module")
def taste_model():
    return train(with_newcomers(tastes()))


@pytest.fixture(scope="module")
def cabin_model():
    return train(cabins())


def top(model, user, count=10, context=None):
    return [item for item, _ in model.recommend(user, count, context)]


def test_users_get_the_items_of_their_planted_taste(taste_model):
    for group in "ab":
        for user in range(5):
            picks = top(taste_model, f"{group}-user{user}")
            assert sum(item.startswith(group) for item in picks) >= 9, picks


def test_scores_are_a_softmax_over_the_catalogue(taste_model):
    relevance = taste_model.relevance("a-user0")
    assert relevance.sum() == pytest.approx(1.0, abs=1e-5)
    scores = [score for _, score in taste_model.recommend("a-user0", 25)]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] < 1


def test_users_scored_together_get_the_scores_they_get_alone(taste_model, monkeypatch):
    requests = [("a-user1", None), ("b-user2", {"CABIN_TYPE": "Economy"}), ("stranger", None)]
    alone = [taste_model.logits(user, context) for user, context in requests]
    with taste_model.scoring_together(requests, "cpu"):
        monkeypatch.setattr(taste_model, "_state", None)  # nothing is read per user any more: all was scored
        together = [taste_model.logits(user, context) for user, context in requests]
    np.testing.assert_allclose(together, alone, rtol=1e-5)


def test_users_metadata_conditions_a_user_without_history(taste_model):
    for group in "ab":
        picks = top(taste_model, f"{group}-newbie")
        assert sum(item.startswith(group) for item in picks) >= 7, picks


def test_an_item_with_metadata_and_no_interactions_scores_by_what_it_is(taste_model):
    for group, other in (("a", "b"), ("b", "a")):
        for user in range(5):
            ranking = top(taste_model, f"{group}-user{user}", 42)
            mine, theirs = ranking.index(f"{group}-fresh"), ranking.index(f"{other}-fresh")
            assert mine < theirs
            assert all(mine < ranking.index(f"{other}{k}") for k in range(20)), ranking


def test_context_changes_the_ranking_through_what_was_learned(cabin_model):
    assert all(item.startswith("f") for item in top(cabin_model, "user1", 5, {"CABIN_TYPE": "First Class"}))
    assert all(item.startswith("e") for item in top(cabin_model, "user1", 5, {"CABIN_TYPE": "Economy"}))


def test_an_unseen_context_value_ranks_as_no_context(cabin_model):
    unseen = cabin_model.recommend("user1", 20, {"CABIN_TYPE": "Zeppelin"})
    assert unseen == cabin_model.recommend("user1", 20, {})
    assert unseen == cabin_model.recommend("user1", 20, {"cabin_type": "Zeppelin", "UNKNOWN_FIELD": "x"})


def test_new_events_move_a_user_without_retraining(taste_model):
    before = top(taste_model, "walk-in")
    rows = [
        {"USER_ID": "walk-in", "ITEM_ID": f"b{k}", "TIMESTAMP": when(0, 100 + k), "EVENT_TYPE": "click"}
        for k in range(5)
    ]
    taste_model.observe(rows)
    after = top(taste_model, "walk-in")
    assert sum(item.startswith("b") for item in after) >= 9
    assert after != before


def test_update_training_makes_new_items_recommendable_and_keeps_the_network(taste_model):
    data = with_newcomers(tastes())
    items = pd.concat([data.items, pd.DataFrame({"ITEM_ID": ["a-late"], "GENRE": ["A"], "CREATION_TIMESTAMP": START})])
    updated = train(TrainingData(data.interactions, items, data.users, data.schemas), taste_model, mode="UPDATE")
    assert not taste_model.knows_item("a-late") and updated.knows_item("a-late")
    assert updated.relevance("a-user0")[updated.catalogue.index["a-late"]] > 0
    assert top(updated, "a-user3") == top(taste_model, "a-user3")  # same network, same history: same answer
    assert updated.losses == taste_model.losses  # nothing was trained


def test_impressions_count_as_failures_for_exploration(taste_model):
    exposure = taste_model.exposure
    shown_never_chosen = (
        exposure.shown[taste_model.catalogue.index["b0"]] - exposure.chosen[taste_model.catalogue.index["b0"]]
    )
    assert shown_never_chosen > 0
    assert exposure.chosen[taste_model.catalogue.index["a0"]] > 0
    assert 0 < exposure.click_rate < 0.5  # one click per four items shown


@pytest.mark.parametrize(
    "hyperparameters, message",
    [
        ({"hidden_dimension": "512"}, "The hyperparameter hidden_dimension must be between 32 and 256; got 512."),
        ({"bptt": "lots"}, "The hyperparameter bptt must be int; got 'lots'."),
        ({"recency_mask": "maybe"}, "The hyperparameter recency_mask must be bool; got 'maybe'."),
        ({"learning_rate": "1"}, "Unknown hyperparameters for aws-user-personalization: learning_rate; it takes "
                                 "hidden_dimension, bptt, recency_mask, min_user_history_length_percentile, "
                                 "max_user_history_length_percentile."),
    ],
)  # fmt: skip
def test_hyperparameters_outside_the_documented_ranges_are_refused(hyperparameters, message):
    with pytest.raises(HyperparameterError) as raised:
        RECIPE.hyperparameters(hyperparameters)
    assert str(raised.value) == message


def test_defaults_are_the_documented_ones():
    assert RECIPE.hyperparameters({}) == {
        "hidden_dimension": "149",
        "bptt": "32",
        "recency_mask": "true",
        "min_user_history_length_percentile": "0.0",
        "max_user_history_length_percentile": "0.99",
    }


# -- exploration, on a planted exposure: items 1-4 are old and relevant, 5-12 cold (new) and equally relevant -----

COLD = list(range(5, 13))
RANKING = np.arange(1, 13)
RELEVANCE = np.array([0.0, 0.3, 0.25, 0.2, 0.15] + [0.0125] * 8)
ALLOWED = np.array([False] + [True] * 12)


def planted_exposure(shown: dict[int, float] | None = None) -> Exposure:
    created = np.array([np.nan] + [0.0] * 4 + [100 * 86_400.0] * 8)
    counts = np.zeros(13)
    for item, times in (shown or {}).items():
        counts[item] = times
    return Exposure(counts, np.zeros(13), created, latest=100 * 86_400.0, click_rate=0.2)


def cold_share(weight: float, draws: int = 400, exposure: Exposure | None = None) -> float:
    rng = np.random.default_rng(7)
    exposure = exposure or planted_exposure()
    lists = [explore(RANKING, RELEVANCE, 4, weight, 30, exposure, rng, ALLOWED) for _ in range(draws)]
    return float(np.mean([np.isin(row, COLD).mean() for row in lists]))


def test_weight_zero_returns_exactly_the_relevance_ranking():
    rng = np.random.default_rng(0)
    assert explore(RANKING, RELEVANCE, 4, 0.0, 30, planted_exposure(), rng, ALLOWED).tolist() == [1, 2, 3, 4]


def test_the_share_of_cold_items_rises_with_the_weight():
    shares = [cold_share(w) for w in (0.0, 0.1, 0.3, 0.6, 0.9)]
    assert shares[0] == 0 and shares == sorted(shares) and shares[-1] > 0.8
    assert cold_share(0.3) == pytest.approx(0.3, abs=0.05)


def test_an_item_shown_often_and_never_chosen_is_explored_less():
    rng = np.random.default_rng(3)
    ignored = planted_exposure({5: 200.0})
    picks = np.concatenate([explore(RANKING, RELEVANCE, 4, 0.9, 30, ignored, rng, ALLOWED) for _ in range(300)])
    assert np.sum(picks == 5) < 0.2 * np.sum(picks == 6)


def test_the_age_cut_off_counts_back_from_the_latest_interaction():
    exposure = planted_exposure()
    assert exposure.cold(30).tolist() == COLD
    assert exposure.cold(101).tolist() == list(range(1, 13))


def test_a_fixed_seed_gives_the_same_lists():
    def lists(seed):
        rng = np.random.default_rng(seed)
        return [explore(RANKING, RELEVANCE, 4, 0.5, 30, planted_exposure(), rng, ALLOWED).tolist() for _ in range(20)]

    assert lists(11) == lists(11)
    assert lists(11) != lists(12)


def test_training_reports_its_progress_by_tenths_under_its_label(caplog):
    with caplog.at_level("INFO", logger="personalize_emulator.training"):
        model = RECIPE.train(cabins(users=30, steps=40), TrainingConfig(SMALL, label="cabins/1a2b3c4d"))
    lines = [r.getMessage() for r in caplog.records if r.name == "personalize_emulator.training"]
    assert [line.split()[:2] for line in lines] == [["cabins/1a2b3c4d:", f"{tenth}0%"] for tenth in range(1, 11)]
    assert lines[-1].split()[2:4] == ["epoch", f"{len(model.losses)}/{len(model.losses)}"]


def test_a_training_asked_to_stop_stops_at_the_next_step():
    class Stopped(Exception):
        pass

    asked = []

    def interrupt():
        asked.append(len(asked))
        if len(asked) == 4:
            raise Stopped

    with pytest.raises(Stopped):
        RECIPE.train(cabins(users=30, steps=40), TrainingConfig(SMALL, interrupt=interrupt))
    assert len(asked) == 4  # three steps ran, and not one more


def test_the_same_seed_trains_the_same_network_whatever_the_callers_threads():
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        first, second = (train(cabins(users=60, steps=30)) for _ in range(2))
        assert torch.get_num_threads() == 2  # training ran on one thread, and gave the caller's setting back
    finally:
        torch.set_num_threads(threads)
    for (name, a), (_, b) in zip(first.network.state_dict().items(), second.network.state_dict().items()):
        assert torch.equal(a, b), name


def test_a_user_without_a_users_record_follows_their_first_events():
    """Every synthetic traveller has a nationality, which the model leans on for the region of their carriers; a
    walk-in has no Users record. That start is trained too (a share of histories begin without their record), so
    three flights on one region's carriers make that region most of what the model expects next, for each region.
    Without it the untrained start held some walk-ins near 0.6."""
    reviews = to_personalize(make_airline_reviews(seed=7, authors=600))
    interactions = AvroSchema(
        "Interactions",
        (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"),
         Field("EVENT_TYPE", "string"), Field("EVENT_VALUE", "float"), Field("CABIN_TYPE", "string", categorical=True)),
    )  # fmt: skip
    users = AvroSchema("Users", (Field("USER_ID", "string"), Field("NATIONALITY", "string", categorical=True)))
    model = train(TrainingData(reviews["interactions"], None, reviews["users"], {"INTERACTIONS": interactions,
                                                                                   "USERS": users}))  # fmt: skip
    regions = airline_catalogue().set_index("ITEM_ID").REGION
    region_of = np.array([regions.get(item, "") for item in model.catalogue.ids])
    clock = int(reviews["interactions"].TIMESTAMP.max()) + 86_400
    for region in sorted(regions.unique()):
        walk_in = f"walk-in-{region}"
        flights = sorted(regions.index[regions == region])[:3]
        model.observe([
            {"USER_ID": walk_in, "ITEM_ID": airline, "TIMESTAMP": clock + 3600 * n, "EVENT_TYPE": "RATING",
             "EVENT_VALUE": 9.0, "CABIN_TYPE": "Economy"}
            for n, airline in enumerate(flights)
        ])  # fmt: skip
        relevance = model.relevance(walk_in)
        assert relevance[region_of == region].sum() > 0.8, region


def test_a_forgotten_user_is_answered_as_a_user_never_seen_and_can_start_again(taste_model):
    """A data deletion job drops a user's state, trained or streamed, and their Users record's part: what they get
    equals what a stranger gets, until their new events move them again."""
    model = loads(dumps(taste_model))  # a copy, as the store saves and loads models
    assert top(model, "a-user0") != top(model, "stranger")
    model.forget({"a-user0", "a-newbie"}, {"a7"})
    for user in ("a-user0", "a-newbie"):  # a history, and a Users record without history
        assert np.array_equal(model.relevance(user), model.relevance("stranger"))
    assert model.withheld_items == {"a7"}
    model.observe([{"USER_ID": "a-user0", "ITEM_ID": f"b{k}", "TIMESTAMP": when(0, 200 + k)} for k in range(5)])
    assert sum(item.startswith("b") for item in top(model, "a-user0")) >= 9
