"""MovieLens 100k: the loader (GroupLens's files, else recbole's copy), and the exploration notebook's data."""

import io
import urllib.request
import zipfile

import numpy as np
import pandas as pd
import pytest

from helpers import movielens
from helpers.movielens import DAY, END, make_exploration_data


def refuse(*args, **kwargs):
    raise OSError("no network here")


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def write_grouplens_fixture(folder):
    """Three ratings, two movies and two users in GroupLens's own formats."""
    folder.mkdir(parents=True)
    (folder / "u.data").write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881250950\n")
    flags = ["0"] * 19
    comedy = flags.copy()
    comedy[5] = "1"
    both = comedy.copy()
    both[8] = "1"
    (folder / "u.item").write_bytes(
        ("242|Kolya (1996)|24-Jan-1997||http://x|" + "|".join(comedy) + "\n"
         "302|L.A. Confidential (1997)|01-Jan-1997||http://y|" + "|".join(both) + "\n").encode("latin-1")
    )  # fmt: skip
    (folder / "u.user").write_text("196|49|M|writer|55105\n186|39|F|executive|00000\n")


def test_a_cached_grouplens_copy_is_read_in_its_own_format(tmp_path, offline):
    write_grouplens_fixture(tmp_path / "ml-100k")
    data = movielens.load_movielens_100k(cache=tmp_path)
    assert data["interactions"].to_dict("records")[0] == {
        "USER_ID": "196", "ITEM_ID": "242", "RATING": 3, "TIMESTAMP": 881250949,
    }  # fmt: skip
    assert data["items"].set_index("ITEM_ID")["GENRES"].to_dict() == {"242": "Comedy", "302": "Comedy|Drama"}
    assert list(data["users"].columns) == ["USER_ID", "AGE", "GENDER", "OCCUPATION"]


def test_the_grouplens_archive_is_downloaded_once_and_extracted_into_the_cache(tmp_path, monkeypatch):
    source = tmp_path / "source"
    write_grouplens_fixture(source / "ml-100k")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (source / "ml-100k").iterdir():
            zipped.write(path, f"ml-100k/{path.name}")
    requested = []
    download = archive.getvalue()
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: requested.append(url) or io.BytesIO(download))
    cache = tmp_path / "cache"
    first = movielens.load_movielens_100k(cache=cache)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    again = movielens.load_movielens_100k(cache=cache)
    assert requested == [movielens.GROUPLENS_ML100K]
    assert len(first["interactions"]) == len(again["interactions"]) == 3
    assert sorted(p.name for p in cache.iterdir()) == ["ml-100k", "ml-100k.zip"]


def test_without_network_or_cache_the_recbole_copy_is_used(tmp_path, offline):
    data = movielens.load_movielens_100k(cache=tmp_path)
    assert len(data["interactions"]) == 100_000
    assert data["interactions"]["USER_ID"].nunique() == 943 and data["interactions"]["ITEM_ID"].nunique() == 1682
    assert data["items"].set_index("ITEM_ID").loc["1", "GENRES"] == "Animation|Children's|Comedy"
    assert list(tmp_path.iterdir()) == []  # nothing half-written to the cache


@pytest.fixture(scope="module")
def ml100k(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urllib.request, "urlopen", refuse)
        return movielens.load_movielens_100k(cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def data(ml100k):
    return make_exploration_data(ml100k)


def created_at(data) -> pd.Series:
    return pd.concat([data.items, data.new_items]).set_index("ITEM_ID")["CREATION_TIMESTAMP"]


def shown(frame: pd.DataFrame, created: pd.Series) -> pd.DataFrame:
    """One row per item of each impression list: EVENT (the row of `frame`), ITEM (a position in `created`), PLACE
    (its place in the list), CHOSEN (whether it is the event's item)."""
    lists = frame["IMPRESSION"].str.split("|")
    sizes = lists.str.len().to_numpy()
    event = np.repeat(np.arange(len(frame)), sizes)
    item = created.index.get_indexer(np.concatenate(lists.to_numpy()))
    place = np.arange(len(item)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    chosen = item == created.index.get_indexer(frame["ITEM_ID"])[event]
    return pd.DataFrame({"EVENT": event, "ITEM": item, "PLACE": place, "CHOSEN": chosen})


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(ml100k):
    sample = {"interactions": ml100k["interactions"].head(20_000), "items": ml100k["items"]}
    first, again = make_exploration_data(sample, seed=3), make_exploration_data(sample, seed=3)
    for name in ("interactions", "items", "new_items", "new_interactions"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    other = make_exploration_data(sample, seed=4)
    assert set(other.new_items["ITEM_ID"]) != set(first.new_items["ITEM_ID"])
    assert not other.interactions["IMPRESSION"].equals(first.interactions["IMPRESSION"])


def test_columns_and_types_are_the_notebooks_schemas(data):
    for frame in (data.interactions, data.new_interactions):
        assert list(frame.columns) == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "IMPRESSION"]
        assert frame["TIMESTAMP"].dtype == np.int64
        assert all(pd.api.types.is_string_dtype(frame[c]) for c in ("USER_ID", "ITEM_ID", "EVENT_TYPE", "IMPRESSION"))
        assert set(frame["EVENT_TYPE"]) == {"watch"}
        assert frame["TIMESTAMP"].is_monotonic_increasing
    for frame in (data.items, data.new_items):
        assert list(frame.columns) == ["ITEM_ID", "GENRES", "CREATION_TIMESTAMP"]
        assert frame["CREATION_TIMESTAMP"].dtype == np.int64
        assert frame["GENRES"].str.len().min() > 0 and frame["ITEM_ID"].is_unique
    assert data.items.set_index("ITEM_ID").loc["1", "GENRES"] == "Animation|Children's|Comedy"


def test_the_import_ends_at_end_and_keeps_movielens_gaps_outside_the_cold_items(ml100k, data):
    assert data.end == END and data.interactions["TIMESTAMP"].max() == END
    assert set(data.interactions["ITEM_ID"]) == set(data.items["ITEM_ID"])  # every imported item has interactions
    real = ml100k["interactions"].set_index(["USER_ID", "ITEM_ID"])["TIMESTAMP"]
    warm = data.interactions[~data.interactions["ITEM_ID"].isin(data.cold_items()["ITEM_ID"])]
    warm = warm.set_index(["USER_ID", "ITEM_ID"])["TIMESTAMP"]
    assert (warm - real.reindex(warm.index)).nunique() == 1  # one shift for all
    created = created_at(data)
    assert (data.interactions["TIMESTAMP"] >= data.interactions["ITEM_ID"].map(created)).all()


@pytest.fixture(scope="module")
def shown_in_import(data):
    return shown(data.interactions, created_at(data))


def test_every_impression_shows_its_item_and_only_items_created_by_then(data, shown_in_import):
    created = created_at(data)
    for frame, items in ((data.interactions, shown_in_import), (data.new_interactions, None)):
        items = shown(frame, created) if items is None else items
        assert (items["ITEM"] >= 0).all()
        times = frame["TIMESTAMP"].to_numpy()[items["EVENT"]]
        assert (created.to_numpy()[items["ITEM"]] <= times).all()
        assert not items.duplicated(["EVENT", "ITEM"]).any()
        assert (items.groupby("EVENT")["CHOSEN"].sum() == 1).all()
        assert frame["IMPRESSION"].str.len().max() <= 1000
    sizes = shown_in_import.groupby("EVENT").size()
    assert (sizes == 10).sum() == len(sizes) - 9  # only the first ratings, before 10 movies existed, show fewer
    chosen = shown_in_import[shown_in_import["CHOSEN"]]
    share = chosen["PLACE"][chosen["EVENT"].map(sizes) == 10].value_counts(normalize=True)
    assert len(share) == 10 and share.between(0.09, 0.11).all()  # the chosen item at any place alike


def test_withheld_new_items_are_absent_from_the_import_and_arrive_after_end_in_order(ml100k, data, shown_in_import):
    new = set(data.new_items["ITEM_ID"])
    assert len(new) == 20 and not new & set(data.items["ITEM_ID"])
    assert not new & set(data.interactions["ITEM_ID"])
    assert not new & set(created_at(data).index[shown_in_import["ITEM"].unique()])
    assert (data.new_items["CREATION_TIMESTAMP"] > END).all()
    assert set(data.new_interactions["ITEM_ID"]) == new
    assert (data.new_interactions["TIMESTAMP"] > data.new_items["CREATION_TIMESTAMP"].max()).all()
    real = ml100k["interactions"]
    real = real[real["ITEM_ID"].isin(new)].sort_values(["TIMESTAMP", "USER_ID", "ITEM_ID"], kind="stable")
    assert data.new_interactions[["USER_ID", "ITEM_ID"]].values.tolist() == real[["USER_ID", "ITEM_ID"]].values.tolist()
    assert set(data.new_interactions["USER_ID"]) <= set(data.interactions["USER_ID"])


def test_the_import_holds_cold_items_a_7_day_cut_off_explores(ml100k, data):
    cold = data.cold_items()
    assert len(cold) == 52  # 12 first rated in MovieLens's last week, 40 re-dated
    assert (cold["CREATION_TIMESTAMP"] >= END - 7 * DAY).all()
    events = data.interactions[data.interactions["ITEM_ID"].isin(cold["ITEM_ID"])]
    assert events["ITEM_ID"].nunique() == 52 and len(events) > 500
    assert (events["TIMESTAMP"] >= END - 7 * DAY).all()
    real = ml100k["interactions"][~ml100k["interactions"]["ITEM_ID"].isin(data.new_items["ITEM_ID"])]
    first = real.groupby("ITEM_ID")["TIMESTAMP"].min()
    natural = set(first.index[first >= real["TIMESTAMP"].max() - 7 * DAY])
    assert len(natural) == 12 and natural < set(cold["ITEM_ID"])


def test_impressions_too_long_for_personalize_are_refused(ml100k):
    with pytest.raises(ValueError, match="Personalize takes 1000"):
        make_exploration_data(ml100k, impression_size=300)
