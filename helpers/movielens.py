"""MovieLens 100k, and the data of the notebook "User-Personalization with exploration" made from it.

`load_movielens_100k` reads GroupLens's files (downloaded once and cached under `data/cache/`), else the copy
that the `recbole==1.2.1` wheel ships (`make setup` installs it with `--no-deps`, for the files only).

`make_exploration_data` turns those ratings into what AWS's notebook `user-personalization-with-exploration`
imports and streams. What is real and what is made up, in plain words:

- Real: who rated which movie, and in which order and at what intervals (100,000 ratings by 943 users of
  1,682 movies, Sep 1997 to Apr 1998), and each movie's genres.
- Made up, by fixed rules and a seeded random generator (same seed, same data):
  1. The dates. All times move by one constant, so that the latest imported rating falls on `end` (a fixed
     date standing for "now", 1 Nov 2026 by default); the gaps between events are MovieLens's own.
  2. When a movie was added (CREATION_TIMESTAMP): MovieLens does not say, so it is the movie's first rating.
     That makes only about a dozen movies new within the last 7 days, so `cold_items` more movies (drawn among
     those with 5 to 50 ratings) are re-dated: each gets a creation time inside the last `cold_days` before
     `end`, and its ratings are squeezed, in their order, into the span between that time and `end`.
  3. The new items: `new_items` movies (drawn among those with 10 to 100 ratings) are left out of the import
     with all their ratings. They are created one minute apart after `end`, and their ratings follow,
     in MovieLens's order, one a minute, for the notebook to send through PutItems and PutEvents.
  4. What was shown (IMPRESSION): MovieLens records no impressions. Each rating gets a list of
     `impression_size` movies: the one rated, at a random place, and others drawn by popularity (their number of
     ratings) among the movies already created at that moment. The first few ratings of the data set, made
     before `impression_size` movies existed, show every movie there was.
  5. The event: every rating becomes one "watch" event; the star rating is dropped.

Where this differs from AWS's notebook: AWS used its own sample files, which already had IMPRESSION and
CREATION_TIMESTAMP, and moved them to end 8 days before the wall clock, so every imported item was older than the
7-day cut-off and only the ids it typed into PutEvents were new. Here the end is a fixed date (the cut-off counts
from the latest interaction, not the clock, so results do not depend on the day you run it), the import holds
cold items of its own, and the new items are real movies with real viewers.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .downloads import fetch_cached

CACHE = Path(__file__).resolve().parent.parent / "data" / "cache"
GROUPLENS_ML100K = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
END = 1_793_491_200  # 2026-11-01T00:00:00Z
DAY = 86_400
EVENT_TYPE = "watch"
IMPRESSION_MAX_CHARS = 1000  # Personalize's limit on an IMPRESSION value
COLD_CANDIDATES = (5, 50)  # ratings a movie may have to be re-dated as cold
NEW_CANDIDATES = (10, 100)  # ratings a movie may have to be withheld as new
INTERACTION_COLUMNS = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "IMPRESSION"]
ITEM_COLUMNS = ["ITEM_ID", "GENRES", "CREATION_TIMESTAMP"]


def load_movielens_100k(cache: Path = CACHE, timeout: float = 10.0) -> dict[str, pd.DataFrame]:
    """MovieLens 100k as `interactions` (USER_ID, ITEM_ID, RATING, TIMESTAMP, in file order), `items` (ITEM_ID,
    TITLE, GENRES pipe-joined) and `users` (USER_ID, AGE, GENDER, OCCUPATION)."""
    folder = cache / "ml-100k"
    if not (folder / "u.data").exists():
        try:
            _extract(fetch_cached(GROUPLENS_ML100K, cache / "ml-100k.zip", timeout), cache)
        except (OSError, zipfile.BadZipFile):
            return _from_recbole()
    return _from_grouplens(folder)


def _extract(archive: Path, cache: Path) -> None:
    """The archive's `ml-100k/` folder into `cache`, whole or not at all; a broken archive is deleted."""
    try:
        with tempfile.TemporaryDirectory(dir=cache) as staging:
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(staging)
            shutil.rmtree(cache / "ml-100k", ignore_errors=True)
            (Path(staging) / "ml-100k").rename(cache / "ml-100k")
    except zipfile.BadZipFile:
        archive.unlink(missing_ok=True)
        raise


def _from_grouplens(folder: Path) -> dict[str, pd.DataFrame]:
    interactions = pd.read_csv(
        folder / "u.data", sep="\t", names=["USER_ID", "ITEM_ID", "RATING", "TIMESTAMP"], dtype={0: str, 1: str}
    )
    raw_items = pd.read_csv(folder / "u.item", sep="|", header=None, encoding="latin-1", dtype={0: str})
    flags = raw_items.iloc[:, 5:24].to_numpy()
    items = pd.DataFrame(
        {
            "ITEM_ID": raw_items[0],
            "TITLE": raw_items[1],
            "GENRES": ["|".join(g for g, on in zip(GENRES, row) if on) for row in flags],
        }
    )
    users = pd.read_csv(
        folder / "u.user", sep="|", names=["USER_ID", "AGE", "GENDER", "OCCUPATION", "ZIP"], dtype={"USER_ID": str}
    ).drop(columns="ZIP")
    return {"interactions": interactions, "items": items, "users": users}


def _from_recbole() -> dict[str, pd.DataFrame]:
    try:
        import recbole
    except ImportError:
        raise FileNotFoundError(
            "MovieLens 100k is neither cached nor downloadable here, and recbole is not installed: "
            "`pip install --no-deps recbole==1.2.1` brings a copy (make setup does this)."
        ) from None
    folder = Path(recbole.__file__).parent / "dataset_example" / "ml-100k"
    interactions = pd.read_csv(folder / "ml-100k.inter", sep="\t", dtype={0: str, 1: str})
    interactions.columns = ["USER_ID", "ITEM_ID", "RATING", "TIMESTAMP"]
    items = pd.read_csv(folder / "ml-100k.item", sep="\t", dtype=str)
    items.columns = ["ITEM_ID", "TITLE", "YEAR", "GENRES"]
    items["GENRES"] = items["GENRES"].fillna("").str.split(" ").str.join("|")
    users = pd.read_csv(folder / "ml-100k.user", sep="\t", dtype={0: str})
    users.columns = ["USER_ID", "AGE", "GENDER", "OCCUPATION", "ZIP"]
    return {
        "interactions": interactions,
        "items": items[["ITEM_ID", "TITLE", "GENRES"]],
        "users": users.drop(columns="ZIP"),
    }


@dataclass(frozen=True, eq=False)
class ExplorationData:
    """What the exploration notebook imports (`interactions`, `items`) and streams afterwards (`new_items`,
    then `new_interactions`), with the `end` of the import and the age in days under which an item is cold."""

    interactions: pd.DataFrame  # USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, IMPRESSION; in time order
    items: pd.DataFrame  # ITEM_ID, GENRES, CREATION_TIMESTAMP
    new_items: pd.DataFrame  # as `items`, all created after `end`
    new_interactions: pd.DataFrame  # as `interactions`, all after `end` and after their item's creation
    end: int
    cold_days: int

    def cold_items(self) -> pd.DataFrame:
        """The imported items no older than `cold_days` at `end`: cold for an explorationItemAgeCutOff of
        `cold_days`, which Personalize counts back from the latest interaction."""
        return self.items[self.items["CREATION_TIMESTAMP"] >= self.end - self.cold_days * DAY]


def make_exploration_data(
    movielens: dict[str, pd.DataFrame],
    *,
    seed: int = 0,
    impression_size: int = 10,
    cold_days: int = 7,
    new_items: int = 20,
    cold_items: int = 40,
    end: int = END,
) -> ExplorationData:
    """The exploration notebook's data from `load_movielens_100k()`'s frames, by the rules in the module's
    docstring; the same seed gives the same data.

    On MovieLens 100k with the defaults (seed 0): 99,157 imported interactions of 943 users on 1,662 items, of
    which 52 are cold (12 first rated in the last week, 40 re-dated) with 893 interactions between them; 20 new
    items with 843 interactions, streamed from 21 minutes to about 14 hours after `end`.
    """
    if impression_size < 1:
        raise ValueError(f"impression_size must be at least 1, not {impression_size}.")
    longest = sum(sorted(movielens["items"]["ITEM_ID"].astype(str).str.len())[-impression_size:]) + impression_size - 1
    if longest > IMPRESSION_MAX_CHARS:
        raise ValueError(
            f"impressions of {impression_size} items could reach {longest} characters; "
            f"Personalize takes {IMPRESSION_MAX_CHARS}."
        )
    rng = np.random.default_rng(seed)
    ratings = movielens["interactions"][["USER_ID", "ITEM_ID", "TIMESTAMP"]].astype(
        {"USER_ID": str, "ITEM_ID": str, "TIMESTAMP": "int64"}
    )
    genres = movielens["items"].astype({"ITEM_ID": str}).set_index("ITEM_ID")["GENRES"]
    genres = genres.fillna("").replace("", "unknown")
    counts = ratings["ITEM_ID"].value_counts().sort_index()

    withheld = _draw(counts, NEW_CANDIDATES, new_items, rng, exclude=set())
    future = ratings[ratings["ITEM_ID"].isin(withheld)]
    past = ratings[~ratings["ITEM_ID"].isin(withheld)].copy()
    latest = int(past["TIMESTAMP"].max())
    created = past.groupby("ITEM_ID")["TIMESTAMP"].min()
    naturally_cold = set(created.index[created >= latest - cold_days * DAY])
    redated = _draw(counts.drop(withheld), COLD_CANDIDATES, cold_items, rng, exclude=naturally_cold)
    _redate(past, created, redated, latest, cold_days, rng)

    shift = end - latest
    past["TIMESTAMP"] += shift
    created = created + shift
    past = past.sort_values(["TIMESTAMP", "USER_ID", "ITEM_ID"], kind="stable", ignore_index=True)
    items = _items(created, genres)

    order = rng.permutation(len(withheld))
    new_created = pd.Series(end + 60 * (order + 1), index=withheld, dtype="int64")
    future = future.sort_values(["TIMESTAMP", "USER_ID", "ITEM_ID"], kind="stable", ignore_index=True)
    future["TIMESTAMP"] = end + 60 * (len(withheld) + np.arange(1, len(future) + 1, dtype="int64"))
    fresh = _items(new_created.sort_values(), genres)

    popularity = counts.astype("float64")
    catalogue = pd.concat([created, new_created]).sort_values(kind="stable")
    interactions = _with_impressions(past, catalogue, popularity, impression_size, rng)
    new_interactions = _with_impressions(future, catalogue, popularity, impression_size, rng)
    return ExplorationData(interactions, items, fresh, new_interactions, end, cold_days)


def _redate(
    past: pd.DataFrame, created: pd.Series, redated: list[str], latest: int, cold_days: int, rng: np.random.Generator
) -> None:
    """Moves each `redated` item's creation to a random time inside the last `cold_days` before `latest` (an hour
    away from either edge) and squeezes its interactions, in order, between that time and `latest`; in place."""
    if not redated:
        return
    window = (cold_days * DAY - 2 * 3600) * rng.random(len(redated))
    moved = pd.Series(latest - 3600 - window.astype("int64"), index=redated, dtype="int64")
    rows = past["ITEM_ID"].isin(redated)
    first, start = past.loc[rows, "ITEM_ID"].map(created), past.loc[rows, "ITEM_ID"].map(moved)
    stretch: pd.Series = (past.loc[rows, "TIMESTAMP"] - first) / np.maximum(latest - first, 1)
    past.loc[rows, "TIMESTAMP"] = start + np.round(stretch * (latest - start)).astype("int64")
    created[redated] = moved


def _distinct(
    chosen: np.ndarray, available: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Per event, `k` distinct positions other than the chosen one, drawn by the cumulative `weights` among the
    first `available`; a row short of `k` after its draws (a few items drawing every time) is drawn again."""
    result = np.zeros((len(chosen), k), dtype=np.int64)
    todo = np.flatnonzero(available > k)  # the rest take everything there is, in the caller
    draws = 3 * k
    while k and len(todo):
        top = weights[available[todo] - 1][:, None]
        drawn = np.searchsorted(weights, rng.random((len(todo), draws)) * top, side="right")
        order = np.argsort(drawn, axis=1, kind="stable")
        ranked = np.take_along_axis(drawn, order, axis=1)
        repeat = np.zeros_like(ranked, dtype=bool)
        repeat[:, 1:] = ranked[:, 1:] == ranked[:, :-1]
        first = np.empty_like(repeat)
        np.put_along_axis(first, order, ~repeat, axis=1)
        keep = first & (drawn != chosen[todo][:, None])
        keep &= np.cumsum(keep, axis=1) <= k
        full = keep.sum(axis=1) == k
        result[todo[full]] = drawn[full][keep[full]].reshape(-1, k)
        todo, draws = todo[~full], draws * 2
    return result


def _draw(counts: pd.Series, bounds: tuple[int, int], n: int, rng: np.random.Generator, exclude: set) -> list[str]:
    """`n` item ids drawn without replacement among those whose count lies within `bounds`, in id order."""
    low, high = bounds
    pool = [item for item, count in counts.items() if low <= count <= high and item not in exclude]
    if n > len(pool):
        raise ValueError(f"asked for {n} items with {low}-{high} ratings, but only {len(pool)} are there.")
    return [pool[i] for i in np.sort(rng.choice(len(pool), size=n, replace=False))]


def _items(created: pd.Series, genres: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "ITEM_ID": created.index.astype(str),
            "GENRES": genres.reindex(created.index).fillna("unknown").to_numpy(),
            "CREATION_TIMESTAMP": created.to_numpy(dtype="int64"),
        }
    )
    return frame[ITEM_COLUMNS].sort_values(["CREATION_TIMESTAMP", "ITEM_ID"], kind="stable", ignore_index=True)


def _with_impressions(
    events: pd.DataFrame, catalogue: pd.Series, popularity: pd.Series, size: int, rng: np.random.Generator
) -> pd.DataFrame:
    """`events` as interactions, each with an IMPRESSION: its item at a random place among `size - 1` others
    drawn by `popularity`, without repeats, from the `catalogue` items (id -> creation time, in creation order)
    created by the event's time."""
    ids = catalogue.index.to_numpy(dtype=object)
    weights = np.cumsum(popularity.reindex(catalogue.index).fillna(1.0).to_numpy())
    position = pd.Series(np.arange(len(ids)), index=catalogue.index)
    chosen = position.loc[events["ITEM_ID"]].to_numpy()
    available = np.searchsorted(catalogue.to_numpy(), events["TIMESTAMP"].to_numpy(), side="right")
    places = rng.integers(0, size, len(events))
    others = _distinct(chosen, available, weights, size - 1, rng)
    columns = np.arange(size)[None, :]
    source = np.clip(np.where(columns < places[:, None], columns, columns - 1), 0, max(size - 2, 0))
    shown = np.take_along_axis(others, source, axis=1) if size > 1 else np.empty((len(events), 1), dtype=np.int64)
    shown[columns == places[:, None]] = chosen
    impressions = ["|".join(row) for row in ids[shown].tolist()]
    for row in np.flatnonzero(available < size):  # before `size` items existed: all there were, in a random order
        everything = rng.permutation(available[row])
        impressions[row] = "|".join(ids[everything])
    frame = events[["USER_ID", "ITEM_ID", "TIMESTAMP"]].copy()
    frame["EVENT_TYPE"] = EVENT_TYPE
    frame["IMPRESSION"] = impressions
    return frame[INTERACTION_COLUMNS].reset_index(drop=True)
