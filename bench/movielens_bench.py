"""aws-user-personalization against baselines on MovieLens 100k, printed as Markdown tables for the README.

    python bench/movielens_bench.py [--seeds 5] [--quick]

Two protocols, each over several seeds (mean ± standard deviation):
- leave-one-out: each user's last interaction (ties in time kept in file order) is the target; the rest trains;
  all items are ranked, the user's training items excluded; HR@10 and NDCG@10.
- AWS's (GetSolutionMetrics): 10% of users held out, the newest 10% of their interactions are the truth;
  precision@10, NDCG@10 and MRR@25, items seen not excluded (as `personalize_emulator.evaluation` does).
Models: popularity (distinct users), item-kNN (cosine on who-chose-what), BPR-MF, and the recipe with its
default knobs. Also timed: the recipe's training, and `get_recommendations` p50 in-process through boto3.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from helpers.movielens import load_movielens_100k  # noqa: E402
from personalize_emulator.data.avro import AvroSchema, Field  # noqa: E402
from personalize_emulator.recipes.base import TrainingConfig, TrainingData  # noqa: E402
from personalize_emulator.recipes.user_personalization import UserPersonalization  # noqa: E402
from personalize_emulator.training.metrics import ranking_metrics, split  # noqa: E402

SCHEMA = AvroSchema(
    "Interactions", (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"))
)
UP_RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
TARGETS = {"hr": 0.20, "ndcg": 0.11, "train_s": 30.0, "p50_ms": 2.0}
Scorer = Callable[[str], np.ndarray]  # user -> a score per item of the catalogue


class Matrix:
    """Users and items as indices, and who chose what."""

    def __init__(self, frame: pd.DataFrame, items: list[str]):
        self.items = items
        self.item_index = {item: i for i, item in enumerate(items)}
        self.users = sorted(frame["USER_ID"].unique())
        self.user_index = {user: u for u, user in enumerate(self.users)}
        self.pairs = np.column_stack([frame["USER_ID"].map(self.user_index), frame["ITEM_ID"].map(self.item_index)])
        self.seen = frame.groupby("USER_ID")["ITEM_ID"].agg(lambda s: [self.item_index[i] for i in s]).to_dict()


def popularity(train: pd.DataFrame, items: list[str], seed: int) -> Scorer:
    counts = train.groupby("ITEM_ID")["USER_ID"].nunique().reindex(items, fill_value=0).to_numpy(dtype=float)
    return lambda user: counts


def item_knn(train: pd.DataFrame, items: list[str], seed: int) -> Scorer:
    m = Matrix(train.drop_duplicates(["USER_ID", "ITEM_ID"]), items)
    chosen = np.zeros((len(m.users), len(items)), dtype=np.float32)
    chosen[m.pairs[:, 0], m.pairs[:, 1]] = 1.0
    norms = np.sqrt(chosen.sum(0)) + 1e-9
    similarity = (chosen.T @ chosen) / norms[:, None] / norms[None, :]
    np.fill_diagonal(similarity, 0.0)
    return lambda user: similarity[m.seen.get(user, [])].sum(0) if user in m.seen else np.zeros(len(items))


def bpr(train: pd.DataFrame, items: list[str], seed: int, dim: int = 64, epochs: int = 40) -> Scorer:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    m = Matrix(train.drop_duplicates(["USER_ID", "ITEM_ID"]), items)
    users_emb = torch.nn.Embedding(len(m.users), dim)
    items_emb = torch.nn.Embedding(len(items), dim)
    for e in (users_emb, items_emb):
        torch.nn.init.normal_(e.weight, std=0.1)
    optimizer = torch.optim.Adam([*users_emb.parameters(), *items_emb.parameters()], lr=5e-3)
    pairs = torch.as_tensor(m.pairs)
    for _ in range(epochs):
        order = torch.as_tensor(rng.permutation(len(pairs)))
        for start in range(0, len(order), 4096):
            batch = pairs[order[start : start + 4096]]
            u, i = users_emb(batch[:, 0]), items_emb(batch[:, 1])
            j = items_emb(torch.as_tensor(rng.integers(0, len(items), len(batch))))
            loss = -torch.nn.functional.logsigmoid((u * (i - j)).sum(1)).mean()
            loss = loss + 1e-4 * (u.pow(2).sum() + i.pow(2).sum() + j.pow(2).sum()) / len(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        scores = (users_emb.weight @ items_emb.weight.T).numpy()
    return lambda user: scores[m.user_index[user]] if user in m.user_index else np.zeros(len(items))


def recipe(train: pd.DataFrame, items: list[str], seed: int) -> Scorer:
    data = TrainingData(
        train[["USER_ID", "ITEM_ID", "TIMESTAMP"]].reset_index(drop=True), schemas={"INTERACTIONS": SCHEMA}
    )
    model = UserPersonalization().train(data, TrainingConfig(seed=seed))
    position = np.array([model.catalogue.index.get(item, 0) for item in items])
    return lambda user: np.where(position > 0, model.relevance(user)[position], 0.0)


MODELS = {"popularity": popularity, "item-kNN": item_knn, "BPR-MF": bpr, "aws-user-personalization": recipe}


def leave_one_out(frame: pd.DataFrame, items: list[str], build: Callable, seed: int) -> dict[str, float]:
    ordered = frame.assign(_arrival=np.arange(len(frame))).sort_values(
        ["USER_ID", "TIMESTAMP", "_arrival"], kind="stable"
    )
    last = ordered.groupby("USER_ID").tail(1)
    train = ordered.drop(last.index).drop(columns="_arrival")
    started = time.perf_counter()
    scorer = build(train, items, seed)
    seconds = time.perf_counter() - started
    index = {item: i for i, item in enumerate(items)}
    seen = train.groupby("USER_ID")["ITEM_ID"].agg(lambda s: [index[i] for i in s]).to_dict()
    hits, gain = 0.0, 0.0
    for user, target in zip(last["USER_ID"], last["ITEM_ID"]):
        scores = np.array(scorer(user), dtype=float)
        scores[seen.get(user, [])] = -np.inf
        rank = int((scores > scores[index[target]]).sum())
        if rank < 10:
            hits, gain = hits + 1, gain + 1 / math.log2(rank + 2)
    return {"hr": hits / len(last), "ndcg": gain / len(last), "train_s": seconds}


def aws_protocol(frame: pd.DataFrame, items: list[str], build: Callable, seed: int) -> dict[str, float]:
    train, truth = split(TrainingData(frame[["USER_ID", "ITEM_ID", "TIMESTAMP"]]), seed)
    scorer = build(train.interactions, items, seed)
    recommended = {
        user: [items[i] for i in np.argsort(-np.asarray(scorer(user)), kind="stable")[:25]] for user in truth
    }
    return ranking_metrics(recommended, truth, len(items))


def recommend_latency(frame: pd.DataFrame, calls: int) -> tuple[float, float]:
    """p50 of get_recommendations through boto3 in-process, on a campaign of the recipe trained on `frame`, and
    of moto's own sts.get_caller_identity, timed the same way in the same run (the floor of any call)."""
    import boto3

    import personalize_emulator
    from helpers import Target, deploy_campaign
    from personalize_emulator.demo import INTERACTIONS_SCHEMA

    personalize_emulator.configure(pace=0)
    schema = dict(INTERACTIONS_SCHEMA, fields=INTERACTIONS_SCHEMA["fields"][:3])
    with personalize_emulator.mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        target = Target("local", session, None, poll=0.01)
        interactions = frame[["USER_ID", "ITEM_ID", "TIMESTAMP"]]
        campaign = deploy_campaign(target, "ml-bench", interactions, schema, UP_RECIPE)["campaign"]
        runtime, sts = session.client("personalize-runtime"), session.client("sts")
        users = frame["USER_ID"].unique()
        ours, floor = [], []
        for n in range(calls + 50):  # interleaved, so both see the same machine
            started = time.perf_counter()
            runtime.get_recommendations(campaignArn=campaign, userId=str(users[n % len(users)]), numResults=25)
            middle = time.perf_counter()
            sts.get_caller_identity()
            ours.append((middle - started) * 1000)
            floor.append((time.perf_counter() - middle) * 1000)
        return float(np.median(ours[50:])), float(np.median(floor[50:]))


def summary(values: list[float]) -> str:
    return f"{np.mean(values):.4f} ± {np.std(values):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 seeds, fewer latency calls")
    args = parser.parse_args()
    seeds = list(range(2 if args.quick else args.seeds))
    frame = load_movielens_100k()["interactions"]
    items = sorted(frame["ITEM_ID"].unique())
    # latency first, in a process that has not yet piled up the baselines' and the seeds' models
    p50, floor = recommend_latency(frame, 200 if args.quick else 1000)
    results: dict[str, dict[str, list[float]]] = {}
    for name, build in MODELS.items():
        runs = {"hr": [], "ndcg": [], "train_s": [], "p10": [], "aws_ndcg": [], "mrr": [], "coverage": []}
        for seed in seeds:
            loo = leave_one_out(frame, items, build, seed)
            aws = aws_protocol(frame, items, build, seed)
            for key in ("hr", "ndcg", "train_s"):
                runs[key].append(loo[key])
            runs["p10"].append(aws["precision_at_10"])
            runs["aws_ndcg"].append(aws["normalized_discounted_cumulative_gain_at_10"])
            runs["mrr"].append(aws["mean_reciprocal_rank_at_25"])
            runs["coverage"].append(aws["coverage"])
            print(f"  {name} seed {seed}: HR@10 {loo['hr']:.4f}, trained in {loo['train_s']:.1f} s", file=sys.stderr)
        results[name] = runs

    print(f"MovieLens 100k ({len(frame):,} ratings, {frame['USER_ID'].nunique()} users, {len(items):,} items), "
          f"{len(seeds)} seeds, {os.cpu_count()} CPU cores, PyTorch {torch.__version__}.\n")  # fmt: skip
    print(
        "| model | LOO HR@10 | LOO NDCG@10 | AWS precision@10 | AWS NDCG@10 | AWS MRR@25 | AWS coverage | train (s) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        cells = [summary(r[k]) for k in ("hr", "ndcg", "p10", "aws_ndcg", "mrr", "coverage")]
        print(f"| {name} | " + " | ".join(cells) + f" | {np.median(r['train_s']):.1f} |")
    ours = results["aws-user-personalization"]
    baselines = [r for n, r in results.items() if n != "aws-user-personalization"]
    beats_loo = all(
        np.mean(ours["hr"]) > np.mean(b["hr"]) and np.mean(ours["ndcg"]) > np.mean(b["ndcg"]) for b in baselines
    )
    beats_aws = all(np.mean(ours["aws_ndcg"]) > np.mean(b["aws_ndcg"]) and np.mean(ours["p10"]) > np.mean(b["p10"])
                    for b in baselines)  # fmt: skip
    rows = [
        ("beats every baseline, leave-one-out (HR and NDCG)", "yes", "yes" if beats_loo else "NO"),
        ("beats every baseline, AWS protocol (precision and NDCG)", "yes", "yes" if beats_aws else "NO"),
        ("LOO HR@10", f">= {TARGETS['hr']}", f"{np.mean(ours['hr']):.4f}"),
        ("LOO NDCG@10", f">= {TARGETS['ndcg']}", f"{np.mean(ours['ndcg']):.4f}"),
        ("training, median (s)", f"<= {TARGETS['train_s']:.0f}", f"{np.median(ours['train_s']):.1f}"),
        (
            "get_recommendations p50 in-process (ms)",
            f"<= {TARGETS['p50_ms']}",
            f"{p50:.2f} (moto's sts.get_caller_identity: {floor:.2f}, ratio {p50 / floor:.1f}x)",
        ),
    ]
    print("\n| target | goal | measured |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
