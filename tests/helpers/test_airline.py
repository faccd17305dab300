"""Airline reviews: Skytrax's file (here a fixture in its format), the synthetic ones and their planted tastes, and
both turned into the contextual notebook's Interactions and Users datasets."""

import csv
import io
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import airline
from helpers.airline import CABINS, COLUMNS, load_airline_reviews, make_airline_reviews, to_personalize

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "airline.csv"


def refuse(*args, **kwargs):
    raise OSError("no network here")


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def fixture_reviews(tmp_path, offline):
    shutil.copy(FIXTURE, tmp_path / "airline.csv")
    return load_airline_reviews(cache=tmp_path)


@pytest.fixture(scope="module")
def reviews():
    return make_airline_reviews()


@pytest.fixture(scope="module")
def personalize(reviews):
    return to_personalize(reviews)


def test_a_cached_skytrax_file_is_read_with_its_own_columns(fixture_reviews):
    assert list(fixture_reviews.columns) == COLUMNS and len(fixture_reviews) == 10
    first = fixture_reviews.iloc[0]
    assert first["content"] == (
        'LJU to FRA on a CRJ900, 1 hour 20 minutes.\nCrew were friendly and the coffee was "fine", nothing more.'
    )
    assert "\n\n" in fixture_reviews.loc[2, "content"]
    assert first["overall_rating"] == 7.0 and first["recommended"] == 1 and pd.isna(first["aircraft"])


def test_the_file_is_downloaded_once_when_the_network_allows(tmp_path, monkeypatch):
    requested = []
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda url, timeout: requested.append(url) or io.BytesIO(FIXTURE.read_bytes())
    )
    first = load_airline_reviews(cache=tmp_path)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    pd.testing.assert_frame_equal(load_airline_reviews(cache=tmp_path), first)
    assert requested == [airline.SKYTRAX_AIRLINES] and (tmp_path / "airline.csv").read_bytes() == FIXTURE.read_bytes()


def test_offline_with_an_empty_cache_the_error_says_how_to_proceed(tmp_path, offline):
    with pytest.raises(FileNotFoundError) as raised:
        load_airline_reviews(cache=tmp_path / "cache")
    message = str(raised.value)
    assert "make_airline_reviews()" in message and airline.SKYTRAX_AIRLINES in message
    assert str(tmp_path / "cache" / "airline.csv") in message and "no network here" in message
    assert list(tmp_path.iterdir()) == []


def test_a_cached_file_that_is_not_skytraxs_is_refused(tmp_path, offline):
    (tmp_path / "airline.csv").write_text("<html><body>Sign in to the Wi-Fi</body></html>\n")
    with pytest.raises(ValueError, match="is not Skytrax's airline.csv .*delete it"):
        load_airline_reviews(cache=tmp_path)


def test_skytrax_rows_become_interactions_and_one_user_row_per_author(fixture_reviews):
    data = to_personalize(fixture_reviews)
    interactions = data["interactions"]
    assert list(interactions.columns) == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE", "CABIN_TYPE"]
    assert interactions["TIMESTAMP"].dtype == np.int64 and interactions["EVENT_VALUE"].dtype == np.float64
    # dropped: T Walsh (no cabin), A Brown (no country), C Dubois (no rating)
    assert interactions[["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_VALUE", "CABIN_TYPE"]].values.tolist() == [
        ["PSilva", "tam-airlines", 1364601600, 6.0, "Economy"],  # 2013-03-30T00:00Z
        ["Lee,Anna", "lan-airlines", 1391904000, 8.0, "Economy"],
        ["PSilva", "tap-portugal", 1405123200, 7.0, "Business Class"],
        ["MHaddad", "emirates", 1416441600, 10.0, "First Class"],
        ["PSilva", "tam-airlines", 1422748800, 8.0, "Business Class"],
        ["KNovak", "adria-airways", 1428624000, 7.0, "Economy"],
        ["KNovak", "lufthansa", 1430524800, 9.0, "Business Class"],
    ]
    assert set(interactions["EVENT_TYPE"]) == {"RATING"}
    assert data["users"].values.tolist() == [  # P Silva named Brazil twice, Portugal once
        ["KNovak", "Slovenia"], ["Lee,Anna", "Chile"], ["MHaddad", "United Arab Emirates"], ["PSilva", "Brazil"],
    ]  # fmt: skip
    written = list(csv.reader(io.StringIO(data["users"].to_csv(index=False))))
    assert written[2] == ["Lee,Anna", "Chile"]  # a comma in an id survives as a quoted CSV field


def test_the_same_seed_gives_the_same_reviews_and_another_seed_others(reviews):
    pd.testing.assert_frame_equal(make_airline_reviews(seed=0), reviews)
    assert not make_airline_reviews(seed=1)["airline_name"].equals(reviews["airline_name"])


def test_synthetic_reviews_have_skytrax_columns_types_and_values(reviews, fixture_reviews):
    assert list(reviews.columns) == COLUMNS
    assert reviews.dtypes.to_dict() == fixture_reviews.dtypes.to_dict()
    assert set(reviews["cabin_flown"]) == set(CABINS)
    assert reviews["overall_rating"].between(1, 10).all() and (reviews["overall_rating"] % 1 == 0).all()
    assert reviews["overall_rating"].nunique() == 10
    assert pd.to_datetime(reviews["date"], format="%Y-%m-%d").between("2012-01-01", "2015-08-01").all()


def test_the_default_size_suits_personalize(personalize):
    interactions, users = personalize["interactions"], personalize["users"]
    assert 10_000 <= len(interactions) <= 20_000 and interactions["ITEM_ID"].nunique() == 50
    per_user = interactions.groupby("USER_ID").size()
    assert len(users) == len(per_user) == 2000 and per_user.min() >= 2
    assert interactions["USER_ID"].str.len().max() <= 256 and not interactions["USER_ID"].str.contains(r"\s").any()


def test_to_personalize_keeps_each_authors_country_as_nationality(reviews, personalize):
    countries = reviews.groupby(reviews["author"].str.replace(" ", ""))["author_country"].agg(set)
    users = personalize["users"].set_index("USER_ID")["NATIONALITY"]
    assert (countries.map(len) == 1).all()
    assert users.to_dict() == countries.map(lambda c: next(iter(c))).to_dict()


def with_truth(personalize) -> pd.DataFrame:
    """The interactions with the author's NATIONALITY, and FAVOURED: whether the airline is a planted favourite."""
    truth = airline.planted_preferences().assign(FAVOURED=True)
    frame = personalize["interactions"].merge(personalize["users"], on="USER_ID")
    frame = frame.merge(truth, on=["NATIONALITY", "CABIN_TYPE", "ITEM_ID"], how="left")
    return frame.assign(FAVOURED=frame["FAVOURED"].fillna(False).astype(bool))


def test_each_nationality_flies_its_favoured_airlines_in_each_cabin(personalize):
    frame = with_truth(personalize)
    shares = frame.groupby(["NATIONALITY", "CABIN_TYPE"])["FAVOURED"].mean().unstack()
    assert shares.shape == (14, 4) and (shares > 0.5).all().all()  # 2 or 4 airlines of 50 get most of the trips
    pooled = frame.groupby("CABIN_TYPE")["FAVOURED"].mean()
    assert pooled.between(0.6, 0.68).all()  # planted: 85% at home x 75% on the carriers known for the cabin


def test_favourites_differ_by_region_and_by_cabin():
    favoured = airline.planted_preferences().groupby(["NATIONALITY", "CABIN_TYPE"])["ITEM_ID"].apply(frozenset)
    for nationality in ("United Kingdom", "Singapore"):
        by_cabin = [favoured[nationality, cabin] for cabin in CABINS]
        assert len(set().union(*by_cabin)) == sum(map(len, by_cabin))  # no airline favoured in two cabins
    for cabin in CABINS:
        assert not favoured["United Kingdom", cabin] & favoured["Singapore", cabin]
        assert favoured["United Kingdom", cabin] == favoured["Germany", cabin]  # one region, one taste


def test_each_cabin_is_flown_mostly_on_the_carriers_known_for_it(personalize):
    known_for = airline.airline_catalogue().set_index("ITEM_ID")["CABIN"]
    frame = personalize["interactions"]
    mix = pd.crosstab(frame["CABIN_TYPE"], frame["ITEM_ID"].map(known_for), normalize="index")
    assert (np.diag(mix.loc[list(CABINS), list(CABINS)]) > 0.7).all()
    assert mix.loc[list(CABINS[1:]), "Economy"].eq(0).all()  # budget carriers sell Economy only


def test_within_an_authors_reviews_the_cabin_changes_the_carriers(reviews, personalize):
    budget = set(airline.airline_catalogue().query("SERVICE == 'budget'")["ITEM_ID"])
    frame = personalize["interactions"].assign(
        BUDGET=personalize["interactions"]["ITEM_ID"].isin(budget),
        PREMIUM=personalize["interactions"]["CABIN_TYPE"] != "Economy",
    )
    both = frame.groupby("USER_ID")["PREMIUM"].nunique() == 2
    assert both.sum() > 1000  # most authors fly both kinds of cabin
    mixed = frame[frame["USER_ID"].isin(both.index[both])]
    assert not mixed.loc[mixed["PREMIUM"], "BUDGET"].any()
    assert mixed.loc[~mixed["PREMIUM"], "BUDGET"].mean() > 0.7


def test_ratings_are_higher_for_the_favoured_airlines(personalize):
    means = with_truth(personalize).groupby("FAVOURED")["EVENT_VALUE"].mean()
    assert means[True] - means[False] > 2.5
