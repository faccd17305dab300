"""Knobs of the emulator that users set: the pace of lifecycles, the seed of its random choices, the device its
networks train on, whether AWS's retired (legacy HRNN) recipes are offered, and AWS's adjustable quotas."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType

_DEFAULT_PACE = 0.02
_DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")
_pace = float(os.environ.get("PERSONALIZE_EMULATOR_PACE", _DEFAULT_PACE))
_seed = int(os.environ.get("PERSONALIZE_EMULATOR_SEED", 0))
_device = os.environ.get("PERSONALIZE_EMULATOR_DEVICE", "auto")
_legacy_recipes = os.environ.get("PERSONALIZE_EMULATOR_LEGACY_RECIPES", "").lower() in ("1", "true", "yes")

# AWS's quotas ("Amazon Personalize endpoints and quotas") that one program can reach: name -> (default, adjustable).
# Only the adjustable ones may be changed, as only those can be raised on AWS.
QUOTAS: Mapping[str, tuple[int, bool]] = MappingProxyType(
    {
        "active_schemas": (500, False),
        "active_dataset_groups": (5, True),
        "pending_dataset_import_jobs": (5, False),
        "pending_batch_inference_jobs": (5, True),
        "pending_solution_versions": (20, True),
        "active_solutions_per_dataset_group": (10, True),
        "active_campaigns_per_dataset_group": (5, True),
        "filters_per_dataset_group": (30, True),
        "fields_per_filter": (10, False),
        "filter_fields_per_dataset_group": (20, False),
        "interactions_per_user_per_event_type_in_filters": (100, True),
    }
)
_quotas = {name: default for name, (default, _) in QUOTAS.items()}


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


def legacy_recipes() -> bool:
    """Whether the legacy HRNN recipes (`aws-hrnn`, `-metadata`, `-coldstart`), which AWS no longer offers, are
    listed and trainable, for replaying old notebooks."""
    return _legacy_recipes


def quota(name: str) -> int:
    """The value of one of AWS's quotas (see `QUOTAS`)."""
    return _quotas[name]


def configure(
    *,
    pace: float | None = None,
    seed: int | None = None,
    device: str | None = None,
    legacy_recipes: bool | None = None,
    quotas: Mapping[str, int | None] | None = None,
) -> None:
    """Set the pace (seconds per lifecycle step; 0 moves as fast as the work allows), the seed, the device, whether
    the legacy HRNN recipes are offered, and adjustable quotas (`quotas={"active_campaigns_per_dataset_group": 10}`;
    a name given `None` goes back to AWS's default).

    Also read from the environment at import: `PERSONALIZE_EMULATOR_PACE`, `PERSONALIZE_EMULATOR_SEED`,
    `PERSONALIZE_EMULATOR_DEVICE` and `PERSONALIZE_EMULATOR_LEGACY_RECIPES=1`.
    """
    global _pace, _seed, _device, _legacy_recipes
    for name, value in (quotas or {}).items():
        if name not in QUOTAS:
            raise ValueError(f"unknown quota {name!r}; the quotas are {', '.join(QUOTAS)}")
        if not QUOTAS[name][1]:
            raise ValueError(f"AWS does not adjust the quota {name!r}, so neither does the emulator")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"quota {name!r} must be a positive whole number, not {value!r}")
    if device is not None and not _DEVICE.fullmatch(device):
        raise ValueError(f"device must be auto, cpu, cuda or cuda:<n>; got {device!r}")
    if pace is not None:
        if pace < 0:
            raise ValueError("pace must be >= 0 seconds")
        _pace = float(pace)
    if seed is not None:
        _seed = int(seed)
    if device is not None:
        _device = device
    if legacy_recipes is not None:
        _legacy_recipes = bool(legacy_recipes)
    for name, value in (quotas or {}).items():
        _quotas[name] = QUOTAS[name][0] if value is None else value
