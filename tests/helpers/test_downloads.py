"""fetch_cached: a file downloaded once, whole or not at all, then read from the cache."""

import io
import urllib.request

import pytest

from helpers.downloads import fetch_cached

URL = "https://example.org/data.csv"


class Response(io.BytesIO):
    """What urlopen returns, failing after `fail_after` bytes when told to."""

    def __init__(self, data: bytes, fail_after: int | None = None):
        super().__init__(data)
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is None:
            return super().read(size)
        left = self.fail_after - self.tell()
        if left <= 0:
            raise OSError("connection reset")
        return super().read(left if size < 0 else min(size, left))


def serve(monkeypatch, response=None):
    calls = []

    def urlopen(url, timeout):
        calls.append((url, timeout))
        if response is None:
            raise OSError("no network here")
        return response

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return calls


def test_a_missing_file_is_downloaded_into_new_folders_then_served_from_the_cache(tmp_path, monkeypatch):
    calls = serve(monkeypatch, Response(b"a,b\n1,2\n"))
    path = tmp_path / "cache" / "nested" / "data.csv"
    assert fetch_cached(URL, path, timeout=3.0) == path
    assert path.read_bytes() == b"a,b\n1,2\n" and calls == [(URL, 3.0)]
    serve(monkeypatch)  # offline now
    assert fetch_cached(URL, path).read_bytes() == b"a,b\n1,2\n"


def test_offline_it_raises_oserror_and_creates_nothing(tmp_path, monkeypatch):
    serve(monkeypatch)
    with pytest.raises(OSError, match="no network"):
        fetch_cached(URL, tmp_path / "cache" / "data.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_download_cut_short_leaves_no_file(tmp_path, monkeypatch):
    serve(monkeypatch, Response(b"x" * 100_000, fail_after=70_000))
    with pytest.raises(OSError, match="connection reset"):
        fetch_cached(URL, tmp_path / "data.csv")
    assert list(tmp_path.iterdir()) == []
