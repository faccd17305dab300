"""`aws-user-personalization`: a hierarchical recurrent network over each user's history, with exploration.

FULL training fits the network; UPDATE training keeps it, adds the items and users seen since (new items score
by their metadata until the next FULL version), re-reads every history and refreshes the exploration counts.
This module holds the recipe's knobs; PyTorch is imported only when a version trains.
"""

from __future__ import annotations

from ...errors import InvalidInputException
from ..base import Model, Recipe, TrainingConfig, TrainingData

# name: (type, lowest, highest, default), as the recipe documents them
HYPERPARAMETERS: dict[str, tuple[type, float | None, float | None, str]] = {
    "hidden_dimension": (int, 32, 256, "149"),
    "bptt": (int, 2, 32, "32"),
    "recency_mask": (bool, None, None, "true"),
    "min_user_history_length_percentile": (float, 0.0, 1.0, "0.0"),
    "max_user_history_length_percentile": (float, 0.0, 1.0, "0.99"),
}
SEARCH_SPACE = {
    "integerHyperParameterRanges": [
        {"name": "hidden_dimension", "minValue": 32, "maxValue": 256},
        {"name": "bptt", "minValue": 2, "maxValue": 32},
    ],
    "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": ["true", "false"]}],
}


def parse(name: str, value: str) -> int | float | bool:
    """A hyperparameter's string as its value, or `InvalidInputException` naming the rule it breaks."""
    kind, low, high, _ = HYPERPARAMETERS[name]
    try:
        if kind is bool:
            if value.lower() not in ("true", "false"):
                raise ValueError
            return value.lower() == "true"
        parsed = kind(float(value)) if kind is int and float(value).is_integer() else kind(value)
    except ValueError:
        raise InvalidInputException(f"The hyperparameter {name} must be {kind.__name__}; got {value!r}.") from None
    if (low is not None and parsed < low) or (high is not None and parsed > high):
        raise InvalidInputException(f"The hyperparameter {name} must be between {low} and {high}; got {value}.")
    return parsed


class UserPersonalization(Recipe):
    name = "aws-user-personalization"
    search_space = SEARCH_SPACE

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(requested) - set(HYPERPARAMETERS))
        if unknown:
            raise InvalidInputException(
                f"Unknown hyperparameters for {self.name}: {', '.join(unknown)}; it takes {', '.join(HYPERPARAMETERS)}."
            )
        chosen = {name: requested.get(name, default) for name, (_, _, _, default) in HYPERPARAMETERS.items()}
        for name, value in chosen.items():
            parse(name, value)
        low, high = (float(chosen[f"{b}_user_history_length_percentile"]) for b in ("min", "max"))
        if low > high:
            raise InvalidInputException(
                "min_user_history_length_percentile exceeds max_user_history_length_percentile."
            )
        return chosen

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        from .fit import Knobs  # PyTorch loads on the first training, not when the emulator is imported
        from .model import UserPersonalizationModel
        from .trainer import train_full, update

        values = {name: parse(name, value) for name, value in self.hyperparameters(config.hyperparameters).items()}
        knobs = Knobs(
            hidden=values["hidden_dimension"],
            bptt=values["bptt"],
            recency_mask=values["recency_mask"],
            min_percentile=values["min_user_history_length_percentile"],
            max_percentile=values["max_user_history_length_percentile"],
            seed=config.seed,
        )
        if config.training_mode == "UPDATE" and isinstance(previous, UserPersonalizationModel):
            return update(previous, data)
        return train_full(data, knobs)
