"""The MovieLens loader: GroupLens's files when cached or downloadable, else the copy inside recbole's wheel."""

import urllib.request

import pytest

from helpers import datasets


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network here")

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
    data = datasets.load_movielens_100k(cache=tmp_path)
    assert data["interactions"].to_dict("records")[0] == {
        "USER_ID": "196", "ITEM_ID": "242", "RATING": 3, "TIMESTAMP": 881250949,
    }  # fmt: skip
    assert data["items"].set_index("ITEM_ID")["GENRES"].to_dict() == {"242": "Comedy", "302": "Comedy|Drama"}
    assert list(data["users"].columns) == ["USER_ID", "AGE", "GENDER", "OCCUPATION"]


def test_without_network_or_cache_the_recbole_copy_is_used(tmp_path, offline):
    data = datasets.load_movielens_100k(cache=tmp_path)
    assert len(data["interactions"]) == 100_000
    assert data["interactions"]["USER_ID"].nunique() == 943 and data["interactions"]["ITEM_ID"].nunique() == 1682
    assert data["items"].set_index("ITEM_ID").loc["1", "GENRES"] == "Animation|Children's|Comedy"
    assert not (tmp_path / "ml-100k").exists()  # nothing half-written to the cache
