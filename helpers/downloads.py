"""Downloads kept in a local cache, so a data set is fetched once and read offline afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from pathlib import Path


def fetch_cached(url: str, path: Path, timeout: float = 10.0) -> Path:
    """`path` when it is already there; else `url` downloaded to it, written whole or not at all.

    Raises OSError (urllib's URLError and HTTPError are OSErrors) when the download fails, leaving no file and
    no folder behind, so a caller can fall back to another source.
    """
    if path.exists():
        return path
    with urllib.request.urlopen(url, timeout=timeout) as response:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(response, out)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return path
