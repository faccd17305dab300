"""Every script in bench/ still imports against the package as it is (a bench is run rarely, by hand, so a renamed
function would otherwise go unnoticed until someone re-measures)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

SCRIPTS = sorted(path.stem for path in (Path(__file__).parent.parent / "bench").glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_bench_script_imports(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(getattr(module, "main", None)) or name == "fuzzing"
