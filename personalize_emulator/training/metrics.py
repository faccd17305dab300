"""Offline metrics as `GetSolutionMetrics` reports them, on AWS's split.

90% of users train; for each of the other 10%, the oldest 90% of their interactions is the input and the
newest 10% the ground truth. Ranking metrics are averaged over those held-out users.
"""

from __future__ import annotations

import math

import numpy as np

from personalize_emulator.recipes.base import RELATED_ITEMS, Model, Recipe, TrainingData

KS = (5, 10, 25)
HOLDOUT_SHARE = 0.1


def split(data: TrainingData, seed: int) -> tuple[TrainingData, dict[str, list[str]]]:
    """Training data without the held-out users' newest interactions, and those interactions (the truth)."""
    frame = data.interactions
    users = np.array(sorted(frame["USER_ID"].unique()), dtype=object)
    rng = np.random.default_rng(seed)
    held = set(rng.choice(users, size=max(1, int(round(len(users) * HOLDOUT_SHARE))), replace=False))
    ordered = frame.sort_values(["USER_ID", "TIMESTAMP"], kind="stable")
    is_held = ordered["USER_ID"].isin(held).to_numpy()
    position = ordered.groupby("USER_ID", sort=False).cumcount().to_numpy()
    size = ordered.groupby("USER_ID", sort=False)["USER_ID"].transform("size").to_numpy()
    inputs = np.maximum(1, np.floor(size * (1 - HOLDOUT_SHARE))).astype(int)
    truth_mask = is_held & (position >= inputs)
    held_truth = ordered[truth_mask].groupby("USER_ID", sort=False)["ITEM_ID"].agg(list)
    truth = {str(user): list(items) for user, items in held_truth.items()}
    train = TrainingData(ordered[~truth_mask], data.items, data.users, data.schemas)
    return train, truth


def ranking_metrics(
    recommended: dict[str, list[str]], truth: dict[str, list[str]], catalogue_size: int
) -> dict[str, float]:
    """precision@K, NDCG@K (weight 1/log(1+position)), MRR@25 and coverage, averaged over users with truth."""
    sums = {f"{m}_at_{k}": 0.0 for m in ("precision", "normalized_discounted_cumulative_gain") for k in KS}
    sums["mean_reciprocal_rank_at_25"] = 0.0
    users = [u for u in truth if truth[u]]
    for user in users:
        relevant = set(truth[user])
        ranked = recommended.get(user, [])
        hits = [i for i, item in enumerate(ranked[: max(KS)], start=1) if item in relevant]
        for k in KS:
            top = [p for p in hits if p <= k]
            sums[f"precision_at_{k}"] += len(top) / k
            ideal = sum(1 / math.log(1 + p) for p in range(1, min(len(relevant), k) + 1))
            sums[f"normalized_discounted_cumulative_gain_at_{k}"] += sum(1 / math.log(1 + p) for p in top) / ideal
        sums["mean_reciprocal_rank_at_25"] += 1 / hits[0] if hits else 0.0
    metrics = {name: total / len(users) if users else 0.0 for name, total in sums.items()}
    shown = {item for user in users for item in recommended.get(user, [])[: max(KS)]}
    metrics["coverage"] = len(shown) / catalogue_size if catalogue_size else 0.0
    return metrics


def measure(recipe: Recipe, model: Model, train: TrainingData, truth: dict[str, list[str]], catalogue_size: int):
    """The metrics of `model`, trained on `train`, against the held-out users' newest interactions (`truth`).

    A RELATED_ITEMS recipe is asked, for each held-out user, for the items related to the newest item of their
    input (AWS documents the split, not the query of these recipes): the truth is what the user chose next."""
    if recipe.recipe_type == RELATED_ITEMS:
        newest = train.interactions.groupby("USER_ID", sort=False)["ITEM_ID"].last()
        answers = {user: model.recommend(None, max(KS), item_id=newest[user]) for user in truth}
    else:
        answers = {user: model.recommend(user, max(KS)) for user in truth}
    recommended = {user: [item for item, _ in answer] for user, answer in answers.items()}
    return ranking_metrics(recommended, truth, catalogue_size)
