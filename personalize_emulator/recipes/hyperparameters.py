"""A recipe's documented hyperparameters: defaults, types and ranges, checked the same way for every recipe.

A recipe declares `{name: Spec(type, lowest, highest, default)}` (or a positive number, or one of `choices`);
`resolve` turns the solution's
`algorithmHyperParameters` (strings, as AWS takes them) into the full set a version trains with, refusing
unknown names and values out of range with `HyperparameterError`, and `parse_all` parses them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from personalize_emulator.recipes.base import HyperparameterError, UnknownHyperparameters


class Spec(NamedTuple):
    kind: type
    low: float | None
    high: float | None
    default: str
    positive: bool = False
    choices: tuple[str, ...] = ()


def parse(specs: dict[str, Spec], name: str, value: str) -> Any:
    """A hyperparameter's string as its value, or `HyperparameterError` naming the rule it breaks."""
    kind, low, high, _, positive, choices = specs[name]
    if choices:
        if value not in choices:
            allowed = ", ".join(choices)
            raise HyperparameterError(f"The hyperparameter {name} must be one of {allowed}; got {value!r}.")
        return value
    try:
        if kind is bool:
            if value.lower() not in ("true", "false"):
                raise ValueError
            return value.lower() == "true"
        parsed = kind(float(value)) if kind is int and float(value).is_integer() else kind(value)
    except ValueError:
        raise HyperparameterError(f"The hyperparameter {name} must be {kind.__name__}; got {value!r}.") from None
    if positive and not parsed > 0:
        raise HyperparameterError(f"The hyperparameter {name} must be positive; got {value}.")
    if (low is not None and parsed < low) or (high is not None and parsed > high):
        raise HyperparameterError(f"The hyperparameter {name} must be between {low} and {high}; got {value}.")
    return parsed


def resolve(recipe: str, specs: dict[str, Spec], requested: dict[str, str]) -> dict[str, str]:
    """The defaults overridden by `requested`, each checked; a `min_X` may not exceed its `max_X`."""
    unknown = sorted(set(requested) - set(specs))
    if unknown:
        raise UnknownHyperparameters(
            f"Unknown hyperparameters for {recipe}: {', '.join(unknown)}; it takes {', '.join(specs)}."
        )
    chosen = {name: requested.get(name, spec.default) for name, spec in specs.items()}
    parsed = parse_all(specs, chosen)
    for name, low in parsed.items():
        twin = "max_" + name[4:]
        if name.startswith("min_") and twin in parsed and low > parsed[twin]:
            raise HyperparameterError(f"{name} exceeds {twin}.")
    return chosen


def parse_all(specs: dict[str, Spec], chosen: dict[str, str]) -> dict[str, int | float | bool]:
    return {name: parse(specs, name, value) for name, value in chosen.items()}


def defaults(specs: dict[str, Spec]) -> dict[str, str]:
    """The defaults as `DescribeAlgorithm` lists them."""
    return {name: spec.default for name, spec in specs.items()}
