"""What a filter costs a request, printed as a Markdown table for the README.

    python bench/filter_bench.py [--calls 2000]

A MovieLens-sized dataset group built in memory (1,682 items with pipe-joined genres and a year, 943 users with an
age, 100,000 interactions), and `filtering.excluded` timed over the whole catalogue for each kind of filter:
the first call (what a cache builds) apart, then the median and p99 of the next calls, each for another user (and
another current item) so that per-user parts are measured as they are met. "After an event" appends one
interaction before each call, as PutEvents does, so the interaction index follows new rows on every call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from personalize_emulator.api.control.datasets import Dataset  # noqa: E402
from personalize_emulator.api.control.filters import Filter  # noqa: E402
from personalize_emulator.data.avro import AvroSchema, Field  # noqa: E402
from personalize_emulator.data.filter_expressions import parse  # noqa: E402
from personalize_emulator.data.tables import Table  # noqa: E402
from personalize_emulator.resources.backend import PersonalizeBackend  # noqa: E402
from personalize_emulator.resources.lifecycle import ACTIVE  # noqa: E402
from personalize_emulator.serving import filtering  # noqa: E402

REGION, ACCOUNT = "us-east-1", "123456789012"
GROUP = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/bench"
GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Thriller", "Western", "Children", "Crime", "Sci-Fi"]
FILTERS = {
    "Items.GENRES IN a list": ('INCLUDE ItemID WHERE Items.GENRES IN ("Comedy", "Drama")', None),
    "$GENRES bound per request": ("INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)", {"GENRES": '"Horror","Crime"'}),
    "numeric < with IF CurrentUser": ("EXCLUDE ItemID WHERE Items.YEAR < 1990 IF CurrentUser.AGE < 18", None),
    "exclude what the user clicked": ('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', None),
    "genre, then exclude all interacted (two expressions)": (
        'INCLUDE ItemID WHERE Items.GENRES IN ("Comedy") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
        None,
    ),
    "Items.GENRES IN CurrentItem.GENRES": ("INCLUDE ItemID WHERE Items.GENRES IN CurrentItem.GENRES", None),
}


def dataset_group(rng: np.random.Generator) -> tuple[PersonalizeBackend, list[str], list[str], Table]:
    items = [f"item-{k}" for k in range(1682)]
    users = [f"user-{k}" for k in range(943)]
    schemas = {
        "ITEMS": AvroSchema("Items", (Field("ITEM_ID", "string"), Field("GENRES", "string", True, True),
                                      Field("YEAR", "int", True))),
        "USERS": AvroSchema("Users", (Field("USER_ID", "string"), Field("AGE", "int", True))),
        "INTERACTIONS": AvroSchema("Interactions", (Field("USER_ID", "string"), Field("ITEM_ID", "string"),
                                                    Field("TIMESTAMP", "long"), Field("EVENT_TYPE", "string"))),
    }  # fmt: skip
    frames = {
        "ITEMS": pd.DataFrame(
            {
                "ITEM_ID": items,
                "GENRES": ["|".join(rng.choice(GENRES, size=rng.integers(1, 4), replace=False)) for _ in items],
                "YEAR": rng.integers(1930, 2000, len(items)),
            }
        ),
        "USERS": pd.DataFrame({"USER_ID": users, "AGE": rng.integers(7, 80, len(users))}),
        "INTERACTIONS": pd.DataFrame(
            {
                "USER_ID": rng.choice(users, 100_000),
                "ITEM_ID": rng.choice(items, 100_000),
                "TIMESTAMP": 1_700_000_000 + rng.permutation(100_000),
                "EVENT_TYPE": rng.choice(["click", "watch"], 100_000),
            }
        ),
    }
    backend = PersonalizeBackend(REGION, ACCOUNT)
    for kind, frame in frames.items():
        table = Table(schemas[kind], kind)
        table.replace(frame)
        arn = f"{GROUP.replace(':dataset-group/', ':dataset/')}/{kind}"
        backend.add(Dataset(arn=arn, name=kind, dataset_group_arn=GROUP, dataset_type=kind, table=table))
    return backend, items, users, backend.resources[arn].table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    backend, items, users, interactions = dataset_group(rng)
    catalogue = filtering.Candidates(items)
    print(f"Filter cost per request over a {len(items):,}-item catalogue ({len(users)} users, 100,000 interactions),")
    print(f"{args.calls} calls per row, `filtering.excluded` timed alone (a request's model scoring is not counted).")
    print()
    print("| filter | first call (ms) | median (µs) | p99 (µs) | median after an event (µs) |")
    print("|---|---|---|---|---|")
    for number, (label, (expression, values)) in enumerate(FILTERS.items()):
        arn = backend.add(
            Filter(arn=f"{GROUP}-f{number}", name=label, status=ACTIVE, dataset_group_arn=GROUP,
                   expression=expression, parsed=parse(expression))
        ).arn  # fmt: skip

        def call(k: int, arn: str = arn, values: dict | None = values) -> float:
            started = time.perf_counter()
            filtering.excluded(
                backend, arn, values, group_arn=GROUP, candidates=catalogue,
                user_id=users[k % len(users)], item_id=items[k % len(items)],
            )  # fmt: skip
            return time.perf_counter() - started

        first = call(0)
        times = [call(k) for k in range(1, args.calls)]
        after = []
        for k in range(args.calls // 4):
            user = users[k % len(users)]
            interactions.append_rows(
                [{"USER_ID": user, "ITEM_ID": items[k], "TIMESTAMP": 1_800_000_000 + k, "EVENT_TYPE": "click"}]
            )
            after.append(call(k))
        p99 = sorted(times)[int(0.99 * len(times))]
        print(
            f"| {label} | {first * 1e3:.1f} | {statistics.median(times) * 1e6:.0f} | {p99 * 1e6:.0f} "
            f"| {statistics.median(after) * 1e6:.0f} |"
        )


if __name__ == "__main__":
    main()
