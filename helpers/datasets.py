"""Public data sets, loaded at run time and cached under `data/cache/`, never committed.

MovieLens 100k comes from GroupLens when the network allows; otherwise from the copy that the `recbole==1.2.1`
wheel ships (`make setup` installs it with `--no-deps`, for the files only).
"""

from __future__ import annotations

import io
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd

CACHE = Path(__file__).resolve().parent.parent / "data" / "cache"
GROUPLENS_ML100K = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip


def load_movielens_100k(cache: Path = CACHE, timeout: float = 10.0) -> dict[str, pd.DataFrame]:
    """MovieLens 100k as `interactions` (USER_ID, ITEM_ID, RATING, TIMESTAMP, in file order), `items` (ITEM_ID,
    TITLE, GENRES pipe-joined) and `users` (USER_ID, AGE, GENDER, OCCUPATION)."""
    folder = cache / "ml-100k"
    if not (folder / "u.data").exists():
        try:
            _download_grouplens(cache, timeout)
        except OSError:
            return _from_recbole()
    return _from_grouplens(folder)


def _download_grouplens(cache: Path, timeout: float) -> None:
    with urllib.request.urlopen(GROUPLENS_ML100K, timeout=timeout) as response:
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    cache.mkdir(parents=True, exist_ok=True)
    archive.extractall(cache)


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
