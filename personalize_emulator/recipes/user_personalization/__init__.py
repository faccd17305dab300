"""`aws-user-personalization`: a hierarchical recurrent network over each user's history, with exploration.

FULL training fits the network; UPDATE training keeps it, adds the items and users seen since (new items score
by their metadata until the next FULL version), re-reads every history and refreshes the exploration counts.
This module holds the recipe's knobs; PyTorch is imported only when a version trains. The recipes AWS built on
the same network (Personalized-Ranking, User-Personalization-v2, the legacy HRNN family) are configurations of
this class, in `variants`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import InvalidInputException
from ..base import Model, Recipe, TrainingConfig, TrainingData


@dataclass(frozen=True)
class Param:
    """One documented hyperparameter: its type, default (a string, as the API carries it) and range."""

    kind: type
    default: str
    low: float | None = None
    high: float | None = None
    positive: bool = False
    choices: tuple[str, ...] = ()


HYPERPARAMETERS: dict[str, Param] = {
    "hidden_dimension": Param(int, "149", 32, 256),
    "bptt": Param(int, "32", 2, 32),
    "recency_mask": Param(bool, "true"),
    "min_user_history_length_percentile": Param(float, "0.0", 0.0, 1.0),
    "max_user_history_length_percentile": Param(float, "0.99", 0.0, 1.0),
}
SEARCH_SPACE = {
    "integerHyperParameterRanges": [
        {"name": "hidden_dimension", "minValue": 32, "maxValue": 256},
        {"name": "bptt", "minValue": 2, "maxValue": 32},
    ],
    "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": ["true", "false"]}],
}


def parse(name: str, value: str, spec: dict[str, Param] = HYPERPARAMETERS) -> Any:
    """A hyperparameter's string as its value, or `InvalidInputException` naming the rule it breaks."""
    param = spec[name]
    kind = param.kind
    if param.choices:
        if value not in param.choices:
            raise InvalidInputException(
                f"The hyperparameter {name} must be one of {', '.join(param.choices)}; got {value!r}."
            )
        return value
    try:
        if kind is bool:
            if value.lower() not in ("true", "false"):
                raise ValueError
            return value.lower() == "true"
        parsed = kind(float(value)) if kind is int and float(value).is_integer() else kind(value)
    except ValueError:
        raise InvalidInputException(f"The hyperparameter {name} must be {kind.__name__}; got {value!r}.") from None
    if param.positive and not parsed > 0:
        raise InvalidInputException(f"The hyperparameter {name} must be positive; got {value}.")
    low, high = param.low, param.high
    if (low is not None and parsed < low) or (high is not None and parsed > high):
        raise InvalidInputException(f"The hyperparameter {name} must be between {low} and {high}; got {value}.")
    return parsed


class UserPersonalization(Recipe):
    name = "aws-user-personalization"
    spec: dict[str, Param] = HYPERPARAMETERS
    search_space = SEARCH_SPACE
    reads_text = False
    """Whether the Items dataset's textual fields are read (as bags of words): AWS documents it for
    Personalized-Ranking and User-Personalization-v2."""

    def defaults(self) -> dict[str, str]:
        return {name: param.default for name, param in self.spec.items()}

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(requested) - set(self.spec))
        if unknown:
            raise InvalidInputException(
                f"Unknown hyperparameters for {self.name}: {', '.join(unknown)}; it takes {', '.join(self.spec)}."
            )
        chosen = self.defaults() | {name: requested[name] for name in self.spec if name in requested}
        for name, value in chosen.items():
            parse(name, value, self.spec)
        bounds = [f"{b}_user_history_length_percentile" for b in ("min", "max")]
        if all(b in chosen for b in bounds) and float(chosen[bounds[0]]) > float(chosen[bounds[1]]):
            raise InvalidInputException(
                "min_user_history_length_percentile exceeds max_user_history_length_percentile."
            )
        return chosen

    def knobs(self, values: dict[str, Any], seed: int):
        """The training knobs the parsed hyperparameters ask for (a variant maps its own names)."""
        from .fit import Knobs  # PyTorch loads on the first training, not when the emulator is imported

        return Knobs(
            hidden=values["hidden_dimension"],
            bptt=values["bptt"],
            recency_mask=values["recency_mask"],
            min_percentile=values["min_user_history_length_percentile"],
            max_percentile=values["max_user_history_length_percentile"],
            seed=seed,
            text=self.reads_text,
        )

    def inputs(self, data: TrainingData) -> TrainingData:
        """What the network reads of the dataset group (a variant may read less)."""
        return data

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        from .model import UserPersonalizationModel
        from .trainer import train_full, update

        data = self.inputs(data)
        if config.training_mode == "UPDATE" and isinstance(previous, UserPersonalizationModel):
            return update(previous, data)
        return train_full(data, self.knobs(self.values(config.hyperparameters), config.seed))

    def values(self, requested: dict[str, str]) -> dict[str, Any]:
        """The hyperparameters a version trains with, parsed."""
        return {name: parse(name, value, self.spec) for name, value in self.hyperparameters(requested).items()}
