"""Offline metrics of Next-Best-Action, as `GetSolutionMetrics` reports them.

The guide says AWS splits the data of PERSONALIZED_ACTIONS recipes into training, validation and testing sets,
without saying how, or which metrics it reports. Here the newest 10% of the action interactions (by time) are the
test; the model trains on everything older; each user who took actions in the test is asked for their actions
(ranked from their history before the test, as a request would be), and the actions they took are the truth. The
metrics are those of the item recipes (precision, NDCG and MRR at K; coverage of the actions).
"""

from __future__ import annotations

import pandas as pd

from personalize_emulator.data.action_events import TAKEN, action_event_type
from personalize_emulator.recipes.base import Recipe, TrainingConfig, TrainingData
from personalize_emulator.recipes.next_best_action import NextBestActionModel
from personalize_emulator.training.metrics import ranking_metrics

TEST_SHARE = 0.1


def evaluate_actions(
    recipe: Recipe, data: TrainingData, config: TrainingConfig, baseline: bool = False
) -> dict[str, float]:
    """The metrics of the recipe's rankings on the split; with `baseline`, of its order without personalization
    (every score 0.0: value, then how often each action was taken), which is AWS's order before it can score."""
    actions = data.actions if data.actions is not None else pd.DataFrame({"ACTION_ID": []})
    events = data.action_interactions
    if events is None or not len(events):
        return ranking_metrics({}, {}, len(actions))
    events = events.sort_values("TIMESTAMP", kind="stable")
    cut = events["TIMESTAMP"].iloc[min(len(events) - 1, int(len(events) * (1 - TEST_SHARE)))]
    past, test = events[events["TIMESTAMP"] < cut], events[events["TIMESTAMP"] >= cut]
    interactions = data.interactions[data.interactions["TIMESTAMP"] < cut]
    train = TrainingData(interactions, data.items, data.users, data.schemas, data.actions, past)
    model = recipe.train(train, config)
    assert isinstance(model, NextBestActionModel)  # the PERSONALIZED_ACTIONS recipe trains one
    taken = test[test["EVENT_TYPE"].map(action_event_type) == TAKEN]
    truth = {str(user): list(chosen.unique()) for user, chosen in taken.groupby("USER_ID")["ACTION_ID"]}
    values = (
        dict(zip(actions["ACTION_ID"], actions["VALUE"].astype("float64").fillna(0.0))) if "VALUE" in actions else {}
    )
    candidates = [a for a in actions["ACTION_ID"] if model.may_recommend(a)]
    items = interactions.groupby("USER_ID")["ITEM_ID"].agg(list)
    history = past.groupby("USER_ID")[["ACTION_ID", "EVENT_TYPE"]].apply(lambda f: list(f.itertuples(index=False)))
    recommended = {}
    for user in truth:
        scores = model.scores(items.get(user, []), history.get(user, []), candidates)
        if baseline:
            scores = dict.fromkeys(scores, 0.0)
        recommended[user] = model.order(scores, values)
    return ranking_metrics(recommended, truth, len(actions)) | {"coverage": _coverage(recommended, len(actions))}


def _coverage(recommended: dict[str, list[str]], catalogue: int) -> float:
    """The share of actions some user is recommended in their top 5 (the console shows the top 5)."""
    shown = {action for ranked in recommended.values() for action in ranked[:5]}
    return len(shown) / catalogue if catalogue else 0.0
