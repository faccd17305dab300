"""The engines behind the domain recommenders (and Trending-Now) on MovieLens 100k, as a Markdown table for the docs.

    python bench/recommenders_bench.py [--seeds 3] [--quick]

MovieLens 100k read as a VIDEO_ON_DEMAND group: every rating is a `Watch`, the Items dataset holds GENRES. One row
per engine, with the use case it serves: its training time (median over the seeds) and, on AWS's split (what
`modelMetrics` reports), precision@10 and NDCG@10 against popularity (distinct users) measured the same way in the
same run; a ratio above 1 beats popularity. The related-items engines are asked, for each held-out user, for the
items related to the newest item of their input (as `modelMetrics` does).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.movielens import load_movielens_100k  # noqa: E402
from personalize_emulator.data.avro import AvroSchema, Field  # noqa: E402
from personalize_emulator.recipes.base import TrainingConfig, TrainingData  # noqa: E402
from personalize_emulator.recipes.popularity import PopularityCount  # noqa: E402
from personalize_emulator.resources.use_cases import USE_CASES  # noqa: E402
from personalize_emulator.training.runs import train  # noqa: E402

SCHEMAS = {
    "INTERACTIONS": AvroSchema(
        "Interactions",
        (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"),
         Field("EVENT_TYPE", "string")),
    ),
    "ITEMS": AvroSchema(
        "Items",
        (Field("ITEM_ID", "string"), Field("GENRES", "string", categorical=True)),
    ),
}  # fmt: skip
ENGINES = {  # engine: the use case whose configuration it runs with
    "User-Personalization": "aws-vod-top-picks",
    "co-occurrence (SIMS)": "aws-vod-because-you-watched-x",
    "Similar-Items": "aws-vod-more-like-x",
    "distinct users per item": "aws-vod-most-popular",
    "events per item": "aws-ecomm-popular-items-by-views",
    "Trending-Now (2 hours)": "aws-vod-trending-now",
}
QUALITY = ("precision_at_10", "normalized_discounted_cumulative_gain_at_10")


def movielens(users: int | None) -> TrainingData:
    data = load_movielens_100k()
    interactions = data["interactions"][["USER_ID", "ITEM_ID", "TIMESTAMP"]].assign(EVENT_TYPE="Watch")
    if users:
        interactions = interactions[interactions["USER_ID"].isin(interactions["USER_ID"].unique()[:users])]
    interactions = interactions.astype({"USER_ID": object, "ITEM_ID": object}).reset_index(drop=True)
    items = data["items"][["ITEM_ID", "GENRES"]].astype({"ITEM_ID": object, "GENRES": object})
    return TrainingData(interactions, items, None, SCHEMAS)


def measure(name: str, data: TrainingData, seeds: list[int]) -> dict[str, list[float]]:
    """For each seed, the time a version's training takes (its metrics on AWS's split and its deployed model, as a
    solution version trains them) and those metrics."""
    case = USE_CASES[name]
    # Every MovieLens rating stands for the event type the use case counts (Watch, View, ...).
    interactions = data.interactions.assign(EVENT_TYPE=case.event_type) if case.event_type else data.interactions
    data = TrainingData(interactions, data.items, data.users, data.schemas)
    runs: dict[str, list[float]] = {"seconds": [], **{q: [] for q in QUALITY}}
    for seed in seeds:
        config = TrainingConfig(case.engine.hyperparameters(case.hyperparameters), seed=seed)
        started = time.perf_counter()
        metrics = train(case.engine, data, config).metrics
        runs["seconds"].append(time.perf_counter() - started)
        for q in QUALITY:
            runs[q].append(metrics[q])
        print(f"  {name} seed {seed}: {runs['seconds'][-1]:.1f} s, P@10 {metrics[QUALITY[0]]:.4f}", file=sys.stderr)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 seed, the first 300 users")
    args = parser.parse_args()
    seeds = list(range(1 if args.quick else args.seeds))
    data = movielens(300 if args.quick else None)
    baseline: dict[str, float] = {}
    for seed in seeds:
        for q, value in train(PopularityCount(), data, TrainingConfig(seed=seed)).metrics.items():
            if q in QUALITY:
                baseline[q] = baseline.get(q, 0.0) + value / len(seeds)
    rows = []
    for engine, name in ENGINES.items():
        runs = measure(name, data, seeds)
        ratios = [statistics.mean(runs[q]) / baseline[q] if baseline[q] else float("nan") for q in QUALITY]
        rows.append(
            f"| {engine} | `{name}` | {statistics.median(runs['seconds']):.2f} | "
            + " | ".join(f"{statistics.mean(runs[q]):.4f} ({r:.2f}x)" for q, r in zip(QUALITY, ratios, strict=True))
            + " |"
        )
    frame = data.interactions
    print(
        f"MovieLens 100k as VIDEO_ON_DEMAND ({len(frame):,} Watch events, {frame['USER_ID'].nunique()} users), "
        f"{len(seeds)} seed(s), {os.cpu_count()} CPU cores. Popularity (distinct users) on the same split: "
        + ", ".join(f"{q} {baseline[q]:.4f}" for q in QUALITY)
        + ".\n"
    )
    print("| engine | use case | training (s, median) | precision@10 (vs popularity) | NDCG@10 (vs popularity) |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
