"""Knobs of the emulator that users set: the pace of lifecycles and the seed of its random choices."""

from __future__ import annotations

import os

_DEFAULT_PACE = 0.02
_pace = float(os.environ.get("PERSONALIZE_EMULATOR_PACE", _DEFAULT_PACE))
_seed = int(os.environ.get("PERSONALIZE_EMULATOR_SEED", 0))


def pace() -> float:
    """Seconds each intermediate status (`CREATE PENDING`, `CREATE IN_PROGRESS`, ...) is held."""
    return _pace


def seed() -> int:
    """The seed behind every random choice: training, metrics splits, exploration."""
    return _seed


def configure(*, pace: float | None = None, seed: int | None = None) -> None:
    """Set the pace (seconds per lifecycle step; 0 moves as fast as the work allows) and the seed.

    Also read from the environment variables `PERSONALIZE_EMULATOR_PACE` and `PERSONALIZE_EMULATOR_SEED` at import.
    """
    global _pace, _seed
    if pace is not None:
        if pace < 0:
            raise ValueError("pace must be >= 0 seconds")
        _pace = float(pace)
    if seed is not None:
        _seed = int(seed)
