"""Planted data for the two domains, with the right answers known for every use case."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from tests.recipes.planted import DAY, START, tastes

HOUR = 3_600
COLUMNS = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"]


def vod(users_per_genre: int = 35, movies_per_genre: int = 20, watched: int = 16, seed: int = 0) -> SimpleNamespace:
    """Two genres: users `a-user*` watch only movies `a*` (GENRES "Action"), users `b-user*` only `b*` ("Drama"),
    each `watched` of their genre's movies, one a day, and each also watches `blockbuster` (which everyone watched:
    the most popular). In the last hour, 40 users watch `rising`, which nobody watched before: it is trending.
    Events are `watch` in lower case, as in AWS's own VIDEO_ON_DEMAND tutorial data."""
    rng = np.random.default_rng(seed)
    rows = []
    for genre in "ab":
        for u in range(users_per_genre):
            user = f"{genre}-user{u}"
            for day, movie in enumerate(rng.choice(movies_per_genre, watched, replace=False)):
                rows.append((user, f"{genre}{movie}", START + DAY * day + 60 * u, "watch"))
            rows.append((user, "blockbuster", START + DAY * watched + 60 * u, "watch"))
    last = max(r[2] for r in rows)
    rows += [(f"{'ab'[u % 2]}-user{u // 2}", "rising", last + HOUR + 60 * u, "watch") for u in range(40)]
    items = pd.DataFrame(
        {
            "ITEM_ID": [f"{g}{k}" for g in "ab" for k in range(movies_per_genre)] + ["blockbuster", "rising"],
            "GENRES": ["Action" if g == "a" else "Drama" for g in "ab" for _ in range(movies_per_genre)]
            + ["Action|Drama", "Action|Drama"],
            "CREATION_TIMESTAMP": START,
        }
    )
    return SimpleNamespace(interactions=pd.DataFrame(rows, columns=COLUMNS), items=items)


def ecommerce(users_per_category: int = 30, products: int = 20, seed: int = 0) -> SimpleNamespace:
    """Two categories: users `a-user*` view and buy only products `a*` (CATEGORY_L1 "A"), `b-user*` only `b*`, 20
    views and 15 purchases each. Every `a` user buys `basket-1` and `basket-2` together (frequently bought
    together); `bestseller` is bought by everyone; `showcase` is viewed 10 times by each of the first 12 users (the
    most views: 120) while `everywhere` is viewed once by every user (the most viewers: 60). The five are "HOME"."""
    rng = np.random.default_rng(seed)
    rows = []
    for category in "ab":
        for u in range(users_per_category):
            user, when = f"{category}-user{u}", START + 60 * u
            for step, item in enumerate(rng.choice(products, 20, replace=True)):
                rows.append((user, f"{category}{item}", when + DAY * step, "View"))
            for step, item in enumerate(rng.choice(products, 15, replace=False)):
                rows.append((user, f"{category}{item}", when + DAY * step + HOUR, "Purchase"))
            bought = ("basket-1", "basket-2", "bestseller") if category == "a" else ("bestseller",)
            # the shared items come first, so that each history ends in its category
            rows += [(user, item, when - DAY, "Purchase") for item in bought]
            rows.append((user, "everywhere", when - DAY + 60, "View"))
            if category == "a" and u < 12:
                rows += [(user, "showcase", when - DAY + 120 + step, "View") for step in range(10)]
    items = pd.DataFrame(
        {
            "ITEM_ID": [f"{c}{k}" for c in "ab" for k in range(products)]
            + ["basket-1", "basket-2", "bestseller", "everywhere", "showcase"],
            "PRICE": 9.99,
            "CATEGORY_L1": [c.upper() for c in "ab" for _ in range(products)] + ["HOME"] * 5,
        }
    )
    return SimpleNamespace(interactions=pd.DataFrame(rows, columns=COLUMNS), items=items)


def vod_tastes(users_per_genre: int = 30) -> SimpleNamespace:
    """`planted.tastes` as videos: users `a-user*` choose only movies `a*` ("Action"), `b-user*` only `b*`
    ("Drama"), 20 times each, coming back to some; every other choice is a `Watch`, the others `Click`s."""
    data = tastes(users_per_group=users_per_genre)
    interactions = data.interactions[["USER_ID", "ITEM_ID", "TIMESTAMP"]].assign(EVENT_TYPE="Click")
    interactions.loc[interactions.index % 2 == 0, "EVENT_TYPE"] = "Watch"
    genres = data.items["GENRE"].map({"A": "Action", "B": "Drama"})
    items = data.items.assign(GENRES=genres)[["ITEM_ID", "GENRES", "CREATION_TIMESTAMP"]]
    return SimpleNamespace(interactions=interactions, items=items)
