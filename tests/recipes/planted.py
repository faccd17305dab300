"""Synthetic data whose right answers are known: users with planted tastes, items with planted appeal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import AvroSchema, Field
from personalize_emulator.recipes.base import TrainingData

START = 1_700_000_000
DAY = 86_400


def when(user: int, step: int) -> int:
    """Sessions of five steps a minute apart, one session a day."""
    return START + DAY * (step // 5) + 60 * (step % 5) + user


INTERACTIONS = AvroSchema(
    "Interactions",
    (Field("USER_ID", "string"), Field("ITEM_ID", "string"), Field("TIMESTAMP", "long"), Field("EVENT_TYPE", "string"),
     Field("IMPRESSION", "string", nullable=True), Field("CABIN_TYPE", "string", nullable=True, categorical=True)),
)  # fmt: skip
ITEMS = AvroSchema(
    "Items", (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True, categorical=True),
              Field("CREATION_TIMESTAMP", "long", nullable=True))
)  # fmt: skip
PRICED_ITEMS = AvroSchema(
    "Items", (Field("ITEM_ID", "string"), Field("GENRE", "string", nullable=True, categorical=True),
              Field("PRICE", "double", nullable=True), Field("CREATION_TIMESTAMP", "long", nullable=True))
)  # fmt: skip
USERS = AvroSchema(
    "Users", (Field("USER_ID", "string"), Field("NATIONALITY", "string", nullable=True, categorical=True))
)


def tastes(users_per_group: int = 60, items_per_group: int = 20, steps: int = 20, seed: int = 0) -> TrainingData:
    """Two groups of users; group `a` chooses only items a*, group `b` only items b* (genres `A`, `B`).

    Users have their group as NATIONALITY, items their genre; impressions show three items of the other group
    with each choice, and none of them is ever chosen.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for group, other in (("a", "b"), ("b", "a")):
        for u in range(users_per_group):
            picks = rng.choice(items_per_group, size=steps, replace=True)
            for step, item in enumerate(picks):
                shown = [f"{group}{item}"] + [f"{other}{k}" for k in rng.choice(items_per_group, 3, replace=False)]
                rows.append((f"{group}-user{u}", f"{group}{item}", when(u, step), "click", "|".join(shown), None))
    frame = pd.DataFrame(rows, columns=[f.name for f in INTERACTIONS.fields])
    items = pd.DataFrame(
        {
            "ITEM_ID": [f"{g}{k}" for g in "ab" for k in range(items_per_group)],
            "GENRE": [g.upper() for g in "ab" for _ in range(items_per_group)],
            "CREATION_TIMESTAMP": START,
        }
    )
    users = pd.DataFrame(
        {
            "USER_ID": [f"{g}-user{u}" for g in "ab" for u in range(users_per_group)],
            "NATIONALITY": [g.upper() for g in "ab" for _ in range(users_per_group)],
        }
    )
    return TrainingData(frame, items, users, {"INTERACTIONS": INTERACTIONS, "ITEMS": ITEMS, "USERS": USERS})


def everything_once(users_per_group: int = 55, items_per_group: int = 10, seed: int = 0) -> TrainingData:
    """Two groups: each user of group `a` chooses every item a* exactly once, in a random order; `b` likewise with
    b*. Items have their group as GENRE. Each user's last item is of their group and not the one before it, so
    an item's related items hold the user's next one (55 x 2 x 10 = 1,100 interactions)."""
    rng = np.random.default_rng(seed)
    rows = []
    for group in "ab":
        for u in range(users_per_group):
            for step, item in enumerate(rng.permutation(items_per_group)):
                rows.append((f"{group}-user{u}", f"{group}{item}", when(u, step), "click", None, None))
    items = pd.DataFrame(
        {
            "ITEM_ID": [f"{g}{k}" for g in "ab" for k in range(items_per_group)],
            "GENRE": [g.upper() for g in "ab" for _ in range(items_per_group)],
            "CREATION_TIMESTAMP": START,
        }
    )
    frame = pd.DataFrame(rows, columns=[f.name for f in INTERACTIONS.fields])
    return TrainingData(frame, items, None, {"INTERACTIONS": INTERACTIONS, "ITEMS": ITEMS})


def cabins(users: int = 100, steps: int = 20, seed: int = 1) -> TrainingData:
    """Every user flies both cabins; in First Class they choose items f*, in Economy items e*."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(users):
        for step in range(steps):
            cabin = "First Class" if rng.random() < 0.5 else "Economy"
            item = f"{'f' if cabin == 'First Class' else 'e'}{rng.integers(10)}"
            rows.append((f"user{u}", item, when(u, step), "click", None, cabin))
    return TrainingData(
        pd.DataFrame(rows, columns=[f.name for f in INTERACTIONS.fields]), schemas={"INTERACTIONS": INTERACTIONS}
    )


def avro_fields(schema: AvroSchema) -> list[dict]:
    """A parsed schema back as Avro field declarations, for CreateSchema."""
    out = []
    for f in schema.fields:
        declared = {"name": f.name, "type": ["null", f.type] if f.nullable else f.type}
        if f.categorical:
            declared["categorical"] = True
        out.append(declared)
    return out


def with_new_items(data: TrainingData, per_group: int = 60) -> TrainingData:
    """`data` with `per_group` items of each genre in Items and no interactions (`a-new0`, `b-new0`, ...)."""
    new = pd.DataFrame(
        {
            "ITEM_ID": [f"{g}-new{k}" for g in "ab" for k in range(per_group)],
            "GENRE": [g.upper() for g in "ab" for _ in range(per_group)],
            "CREATION_TIMESTAMP": START,
        }
    )
    return TrainingData(data.interactions, pd.concat([data.items, new], ignore_index=True), data.users, data.schemas)


ACTIONS = AvroSchema(
    "Actions",
    (Field("ACTION_ID", "string"), Field("VALUE", "long", nullable=True),
     Field("ACTION_EXPIRATION_TIMESTAMP", "long", nullable=True), Field("REPEAT_FREQUENCY", "long", nullable=True),
     Field("CATEGORY", "string", nullable=True, categorical=True)),
)  # fmt: skip
ACTION_INTERACTIONS = AvroSchema(
    "ActionInteractions",
    (Field("USER_ID", "string"), Field("ACTION_ID", "string"), Field("TIMESTAMP", "long"),
     Field("EVENT_TYPE", "string")),
)  # fmt: skip


def next_best_actions(users_per_group: int = 60, seed: int = 0) -> TrainingData:
    """`tastes` users and items, and actions: users of group `a` always take action `join` and never `subscribe`,
    users of group `b` the reverse (each sees both twice, in AWS's CSV spellings), so both have 120 TAKEN and 120
    NOT_TAKEN interactions. `upgrade` is worth more but nobody interacted with it (score 0.0); `expired` expired
    at START; `weekly` may be repeated every 7 days."""
    data = tastes(users_per_group=users_per_group, seed=seed)
    rows = []
    for group, mine, theirs in (("a", "join", "subscribe"), ("b", "subscribe", "join")):
        for u in range(users_per_group):
            for step in range(2):
                at = when(u, 20 + step)
                rows += [(f"{group}-user{u}", mine, at, "Taken"), (f"{group}-user{u}", theirs, at, "Not taken")]
    actions = pd.DataFrame(
        {
            "ACTION_ID": ["join", "subscribe", "upgrade", "expired", "weekly"],
            "VALUE": [1, 1, 5, 10, 1],
            "ACTION_EXPIRATION_TIMESTAMP": [None, None, None, START, None],
            "REPEAT_FREQUENCY": [None, None, None, None, 7],
            "CATEGORY": ["membership", "email", "membership", "email", "email"],
        }
    ).astype({"VALUE": "Int64", "ACTION_EXPIRATION_TIMESTAMP": "Int64", "REPEAT_FREQUENCY": "Int64"})
    return TrainingData(
        data.interactions,
        data.items,
        data.users,
        data.schemas | {"ACTIONS": ACTIONS, "ACTION_INTERACTIONS": ACTION_INTERACTIONS},
        actions,
        pd.DataFrame(rows, columns=[f.name for f in ACTION_INTERACTIONS.fields]),
    )
