"""Knobs of the emulator that users set: the pace of lifecycles."""

from __future__ import annotations

import os

_DEFAULT_PACE = 0.02
_pace = float(os.environ.get("PERSONALIZE_EMULATOR_PACE", _DEFAULT_PACE))


def pace() -> float:
    """Seconds each intermediate status (`CREATE PENDING`, `CREATE IN_PROGRESS`, ...) is held."""
    return _pace


def configure(*, pace: float | None = None) -> None:
    """Set the pace (seconds per lifecycle step); 0 moves as fast as the work allows.

    Also read from the environment variable `PERSONALIZE_EMULATOR_PACE` at import.
    """
    global _pace
    if pace is not None:
        if pace < 0:
            raise ValueError("pace must be >= 0 seconds")
        _pace = float(pace)
