"""Knobs of the emulator that users set: the pace of lifecycles, the seed of its random choices, and the device
its networks train on."""

from __future__ import annotations

import os
import re

_DEFAULT_PACE = 0.02
_DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")
_pace = float(os.environ.get("PERSONALIZE_EMULATOR_PACE", _DEFAULT_PACE))
_seed = int(os.environ.get("PERSONALIZE_EMULATOR_SEED", 0))
_device = os.environ.get("PERSONALIZE_EMULATOR_DEVICE", "auto")


def pace() -> float:
    """Seconds each intermediate status (`CREATE PENDING`, `CREATE IN_PROGRESS`, ...) is held."""
    return _pace


def seed() -> int:
    """The seed behind every random choice: training, metrics splits, exploration."""
    return _seed


def device() -> str:
    """Where networks train (and batch inference jobs score): `auto` is a CUDA GPU when PyTorch sees one, else
    the CPU; or `cpu`, `cuda`, `cuda:<n>`."""
    return _device


def configure(*, pace: float | None = None, seed: int | None = None, device: str | None = None) -> None:
    """Set the pace (seconds per lifecycle step; 0 moves as fast as the work allows), the seed, and the device.

    Also read from the environment variables `PERSONALIZE_EMULATOR_PACE`, `PERSONALIZE_EMULATOR_SEED` and
    `PERSONALIZE_EMULATOR_DEVICE` at import.
    """
    global _pace, _seed, _device
    if pace is not None:
        if pace < 0:
            raise ValueError("pace must be >= 0 seconds")
        _pace = float(pace)
    if seed is not None:
        _seed = int(seed)
    if device is not None:
        if not _DEVICE.fullmatch(device):
            raise ValueError(f"device must be auto, cpu, cuda or cuda:<n>; got {device!r}")
        _device = device
