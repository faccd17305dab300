"""User-Personalization at a million interactions, through the public API (in-process, pace 0), as Markdown tables.

    python bench/scale_bench.py [--quick] [--only generated|movielens|catalogue]

Data sets:
- `generated`: 1,000,000 interactions of 50,000 users on 10,000 items with a planted sequence: each user walks a
  ring of the items, the next item being the one after the current with probability 0.7 (else one drawn by a
  Zipf popularity), so the right answer after any item is its successor (the "planted answer" row scores it);
- `movielens`: MovieLens 100k replicated ten times (each copy's users renamed), 1,000,000 ratings;
- `catalogue`: 200,000 interactions on a 100,000-item catalogue, for serving latency there.
For each: the import rate, the training time (CreateSolutionVersion to ACTIVE, with its metrics), leave-one-out
HR@10 and NDCG@10 against popularity and item-kNN on the same users (each user's last interaction held out,
their other items excluded from the ranking), `get_recommendations` p50, and the peak memory of the process
that imported, trained and served (each data set runs in a fresh process; the baselines run in this one).
`--quick` scales every data set down tenfold.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from bench.training_bench import Emulator  # noqa: E402
from helpers.movielens import load_movielens_100k  # noqa: E402
from personalize_emulator import settings  # noqa: E402
from personalize_emulator.recipes.user_personalization.bptt import resolve_device  # noqa: E402

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
FIELDS = [
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
    {"name": "EVENT_TYPE", "type": "string"},
]
TARGETS = {"train_min": 10.0, "peak_gb": 4.0}
SCORED_USERS = 5000  # leave-one-out is scored on this many users, the same for every model
SUCCESSOR_SHARE = 0.7


def planted_sequences(users: int, items: int, per_user: int, seed: int = 0) -> pd.DataFrame:
    """Users walking a ring of items (see the module's docstring); sessions of 10 steps a minute apart, a day
    between sessions."""
    rng = np.random.default_rng(seed)
    popularity = 1 / np.arange(1, items + 1) ** 0.8
    popularity = rng.permutation(popularity / popularity.sum())
    walk = np.empty((users, per_user), dtype=np.int64)
    walk[:, 0] = rng.choice(items, size=users, p=popularity)
    for step in range(1, per_user):
        jump = rng.random(users) >= SUCCESSOR_SHARE
        drawn = rng.choice(items, size=users, p=popularity)
        walk[:, step] = np.where(jump, drawn, (walk[:, step - 1] + 1) % items)
    steps = np.arange(per_user)
    times = 1_700_000_000 + 86_400 * (steps // 10) + 60 * (steps % 10)
    start = rng.integers(0, 86_400 * 30, users)
    return pd.DataFrame(
        {
            "USER_ID": np.repeat([f"u{u}" for u in range(users)], per_user),
            "ITEM_ID": np.char.add("i", walk.ravel().astype(str)),
            "TIMESTAMP": (start[:, None] + times[None, :]).ravel(),
            "EVENT_TYPE": "click",
        }
    )


def replicated_movielens(copies: int) -> pd.DataFrame:
    ratings = load_movielens_100k()["interactions"]
    frames = [
        pd.DataFrame({"USER_ID": ratings["USER_ID"].astype(str) + f"-{k}", "ITEM_ID": ratings["ITEM_ID"].astype(str),
                      "TIMESTAMP": ratings["TIMESTAMP"], "EVENT_TYPE": "rating"})
        for k in range(copies)
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def data_set(name: str, scale: float) -> pd.DataFrame:
    if name == "generated":
        return planted_sequences(int(50_000 * scale), int(10_000 * scale), 20)
    if name == "movielens":
        return replicated_movielens(max(1, round(10 * scale)))
    return planted_sequences(int(10_000 * scale), int(100_000 * scale), 20, seed=1)


def leave_one_out(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each user's last interaction (ties in time in file order) apart from the rest."""
    ordered = frame.assign(_arrival=np.arange(len(frame))).sort_values(
        ["USER_ID", "TIMESTAMP", "_arrival"], kind="stable"
    )
    last = ordered.groupby("USER_ID").tail(1)
    return ordered.drop(last.index).drop(columns="_arrival"), last.drop(columns="_arrival")


def scored_users(last: pd.DataFrame) -> pd.DataFrame:
    return last.sample(n=min(SCORED_USERS, len(last)), random_state=0).sort_values("USER_ID")


def hit_rates(scores: np.ndarray, targets: np.ndarray, seen: list[np.ndarray]) -> tuple[float, float]:
    """HR@10 and NDCG@10 of rows of scores (one per user, a column per item) for each row's target item; a target
    of -1 (an item the training data never names, so no model can rank it) counts as a miss."""
    hits = gain = 0.0
    for row, target, excluded in zip(scores, targets, seen):
        if target < 0:
            continue
        row = row.astype(np.float64)
        row[excluded] = -np.inf
        rank = int((row > row[target]).sum())
        if rank < 10:
            hits, gain = hits + 1, gain + 1 / math.log2(rank + 2)
    return hits / len(targets), gain / len(targets)


def emulator_run(name: str, scale: float) -> dict:
    """Import, train and serve one data set through the API, in this (fresh) process."""
    import personalize_emulator
    from personalize_emulator.adapters.moto_backends import personalize_backends
    from personalize_emulator.resources.solutions import SolutionVersion

    personalize_emulator.configure(pace=0)
    train, last = leave_one_out(data_set(name, scale))
    out: dict = {"interactions": len(train) + len(last), "users": int(train.USER_ID.nunique())}
    out["items"] = int(pd.concat([train.ITEM_ID, last.ITEM_ID]).nunique())
    with personalize_emulator.mock_aws():
        emulator = Emulator()
        started = time.perf_counter()
        group = emulator.group({"INTERACTIONS": train}, {"INTERACTIONS": FIELDS})
        out["import_rows_s"] = len(train) / (time.perf_counter() - started)
        version, out["train_s"] = emulator.version(emulator.solution(group))
        campaign = emulator.campaign(version)
        out["p50_ms"] = emulator.p50_ms(campaign, sorted(train.USER_ID.unique())[:1000], 500)
        backend = personalize_backends["123456789012"]["us-east-1"]
        model = backend.get(version, SolutionVersion).model
        users = scored_users(last)
        index = model.catalogue.index
        seen = train.groupby("USER_ID")["ITEM_ID"].agg(lambda s: np.array([index[i] for i in s]))
        scores = np.stack([model.relevance(user) for user in users.USER_ID])
        out["hr"], out["ndcg"] = hit_rates(
            scores, users.ITEM_ID.map(index).fillna(-1).astype(int).to_numpy(), list(seen[users.USER_ID])
        )
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return out


def baselines(name: str, scale: float) -> dict[str, tuple[float, float]]:
    """Popularity (distinct users) and item-kNN (cosine on who chose what) on the same held-out users."""
    frame = data_set(name, scale)
    train, last = leave_one_out(frame)
    items = sorted(frame.ITEM_ID.unique())
    index = {item: i for i, item in enumerate(items)}
    users = scored_users(last)
    pairs = train.drop_duplicates(["USER_ID", "ITEM_ID"])
    user_index = {user: u for u, user in enumerate(sorted(train.USER_ID.unique()))}
    rows, cols = pairs.USER_ID.map(user_index).to_numpy(), pairs.ITEM_ID.map(index).to_numpy()
    seen = pairs.groupby("USER_ID")["ITEM_ID"].agg(lambda s: np.array([index[i] for i in s]))
    seen_of = list(seen[users.USER_ID])
    targets = users.ITEM_ID.map(index).to_numpy()
    counts = np.bincount(cols, minlength=len(items)).astype(np.float64)
    out = {"popularity": hit_rates(np.tile(counts, (len(users), 1)), targets, seen_of)}
    chosen = torch.sparse_coo_tensor(
        torch.as_tensor(np.vstack([rows, cols])), torch.ones(len(rows)), (len(user_index), len(items)),
        check_invariants=False,
    ).coalesce()  # fmt: skip
    with warnings.catch_warnings():  # PyTorch calls its sparse product beta; it is exact here
        warnings.simplefilter("ignore", UserWarning)
        co = torch.sparse.mm(chosen.t(), chosen).to_dense()
    norms = torch.sqrt(torch.as_tensor(counts, dtype=torch.float32)) + 1e-9
    similarity = co / norms[:, None] / norms[None, :]
    similarity.fill_diagonal_(0.0)
    scores = np.stack([similarity[torch.as_tensor(s)].sum(0).numpy() for s in seen_of])
    out["item-kNN"] = hit_rates(scores, targets, seen_of)
    if name != "movielens":  # the planted answer: the successor of the user's last training item
        newest = train.groupby("USER_ID")["ITEM_ID"].last()[users.USER_ID].map(index).to_numpy()
        successor = np.array([index[f"i{(int(items[i][1:]) + 1) % len(items)}"] for i in newest])
        planted = np.zeros((len(users), len(items)))
        planted[np.arange(len(users)), successor] = 1.0
        planted += counts[None, :] / counts.max() / 2  # ties broken by popularity
        out["planted answer"] = hit_rates(planted, targets, seen_of)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every data set a tenth of its size")
    parser.add_argument("--only", choices=("generated", "movielens", "catalogue"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    if args.child:
        print(json.dumps(emulator_run(args.child, scale)))
        return
    names = [args.only] if args.only else ["generated", "movielens", "catalogue"]
    device = resolve_device(settings.device())
    print(f"Device {device}; {os.cpu_count()} cores ({platform.machine()}), Python "
          f"{platform.python_version()}, PyTorch {torch.__version__}; load average at start "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.\n")  # fmt: skip
    for name in names:
        command = [sys.executable, __file__, "--child", name] + (["--quick"] if args.quick else [])
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        ours = json.loads(done.stdout.strip().splitlines()[-1])
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"**{name}**: {ours['interactions']:,} interactions, {ours['users']:,} users, {ours['items']:,} items "
              f"(load average after: {load})\n")  # fmt: skip
        print("| measure | goal | measured | met |\n|---|---|---|---|")
        print(f"| import (rows/s) |  | {ours['import_rows_s']:,.0f} |  |")
        minutes = ours["train_s"] / 60
        print(f"| training, version to ACTIVE (min) | <= {TARGETS['train_min']:.0f} | {minutes:.1f} | "
              f"{'yes' if minutes <= TARGETS['train_min'] else 'no'} |")  # fmt: skip
        print(f"| peak memory (GB) | < {TARGETS['peak_gb']:.0f} | {ours['peak_gb']:.2f} | "
              f"{'yes' if ours['peak_gb'] < TARGETS['peak_gb'] else 'no'} |")  # fmt: skip
        print(f"| get_recommendations p50 (ms), {ours['items']:,}-item catalogue |  | {ours['p50_ms']:.2f} |  |")
        if name == "catalogue":
            print()
            continue
        print(f"\n| leave-one-out ({min(SCORED_USERS, ours['users']):,} users) | HR@10 | NDCG@10 |\n|---|---|---|")
        print(f"| aws-user-personalization | {ours['hr']:.4f} | {ours['ndcg']:.4f} |")
        for model, (hr, ndcg) in baselines(name, scale).items():
            print(f"| {model} | {hr:.4f} | {ndcg:.4f} |")
        print()


if __name__ == "__main__":
    main()
