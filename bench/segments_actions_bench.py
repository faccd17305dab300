"""User segmentation and Next-Best-Action against their popularity baselines, printed as a Markdown table for the docs.

    python bench/segments_actions_bench.py [--repeats 3] [--seed 0]

Data: MovieLens 100k, ratings as interactions and each movie's genres as its categorical GENRES.
- aws-item-affinity / aws-item-attribute-affinity: `GetSolutionMetrics`' split and metrics (the newest 20% of each
  user's ratings are the truth; hits and recall in the top 1% of users), against AWS's sample's baseline: the same
  most active users for every query.
- aws-next-best-action: MovieLens has no actions, so ten are made, one per genre among the ten most rated; each user
  is shown six of them, at random times in the 30 days after the last rating, and takes one with probability 15%
  times the user's lift for its genre (their share of ratings in it over everyone's), at most 90% (seeded): users
  take what they like more than others do, so how often an action is taken overall says little. Metrics on the
  newest 10% of action interactions, against the order Next-Best-Action gives before it can score (value, then how
  often each action was taken).
Training time: the whole data set, median of `--repeats` runs in this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.movielens import load_movielens_100k  # noqa: E402
from personalize_emulator.data.avro import AvroSchema, Field  # noqa: E402
from personalize_emulator.recipes import TrainingConfig, TrainingData, trainable  # noqa: E402
from personalize_emulator.training.action_metrics import evaluate_actions  # noqa: E402
from personalize_emulator.training.segment_metrics import evaluate_segments  # noqa: E402

DAY = 86_400
ITEMS = AvroSchema("Items", (Field("ITEM_ID", "string"), Field("GENRES", "string", nullable=True, categorical=True)))
ACTIONS = AvroSchema("Actions", (Field("ACTION_ID", "string"), Field("VALUE", "long", nullable=True)))
SHOWN = 6  # actions shown to each user


def movielens() -> TrainingData:
    loaded = load_movielens_100k()
    interactions = loaded["interactions"][["USER_ID", "ITEM_ID", "TIMESTAMP"]]
    return TrainingData(interactions, loaded["items"][["ITEM_ID", "GENRES"]], schemas={"ITEMS": ITEMS})


def with_actions(data: TrainingData, seed: int) -> TrainingData:
    """Ten genre actions, shown to every user six times and taken as the user's lift for the genre says."""
    rng = np.random.default_rng(seed)
    genres_of = data.items.set_index("ITEM_ID")["GENRES"].str.split("|")
    rated = data.interactions.assign(GENRE=data.interactions["ITEM_ID"].map(genres_of)).explode("GENRE")
    genres = list(rated["GENRE"].value_counts().index[:10])
    rated = rated[rated["GENRE"].isin(genres)]
    lift = rated.groupby("USER_ID")["GENRE"].value_counts(normalize=True) / rated["GENRE"].value_counts(normalize=True)
    start = int(data.interactions["TIMESTAMP"].max())
    rows = []
    for user in sorted(data.interactions["USER_ID"].unique()):
        for genre in rng.choice(genres, SHOWN):
            taken = rng.random() < min(0.9, 0.15 * lift.get((user, genre), 0.0))
            when = start + int(rng.integers(30 * DAY))
            rows.append((user, f"more-{genre}", when, "TAKEN" if taken else "NOT_TAKEN"))
    actions = pd.DataFrame({"ACTION_ID": [f"more-{g}" for g in genres], "VALUE": 1})
    events = pd.DataFrame(rows, columns=["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"])
    return TrainingData(
        data.interactions,
        data.items,
        None,
        data.schemas | {"ACTIONS": ACTIONS},
        actions,
        events.sort_values("TIMESTAMP"),
    )


def training_seconds(name: str, data: TrainingData, repeats: int, seed: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        trainable(name).train(data, TrainingConfig(seed=seed))
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = movielens()
    actions = with_actions(data, args.seed)
    config = TrainingConfig(seed=args.seed)
    rows = []
    for name, engine_data, evaluate, metrics in (
        ("aws-item-affinity", data, evaluate_segments, ("hits_at_1_percent", "recall_at_1_percent")),
        ("aws-item-attribute-affinity", data, evaluate_segments, ("hits_at_1_percent", "recall_at_1_percent")),
        ("aws-next-best-action", actions, evaluate_actions, ("normalized_discounted_cumulative_gain_at_5",
                                                             "mean_reciprocal_rank_at_25")),
    ):  # fmt: skip
        seconds = training_seconds(name, engine_data, args.repeats, args.seed)
        ours = evaluate(trainable(name), engine_data, config)
        baseline = evaluate(trainable(name), engine_data, config, baseline=True)
        for metric in metrics:
            ratio = ours[metric] / baseline[metric] if baseline[metric] else float("inf")
            rows.append(
                f"| {name} | {seconds:.2f} | {metric} | {ours[metric]:.4f} | {baseline[metric]:.4f} | {ratio:.1f}x |"
            )
        print(f"  {name}: trained in {seconds:.2f} s", file=sys.stderr)
    print(
        f"MovieLens 100k ({len(data.interactions):,} ratings; {len(actions.action_interactions):,} action "
        f"interactions made up as the docstring says), seed {args.seed}, {os.cpu_count()} CPU cores; training time "
        f"is the median of {args.repeats} runs on all the data.\n"
    )
    print("| engine | training (s) | metric | engine | popularity baseline | ratio |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
