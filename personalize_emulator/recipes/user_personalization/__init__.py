"""`aws-user-personalization`: a hierarchical recurrent network over each user's history, with exploration.

FULL training fits the network; UPDATE training keeps it, adds the items and users seen since (new items score
by their metadata until the next FULL version), re-reads every history and refreshes the exploration counts.
This module holds the recipe's hyperparameters; PyTorch is imported only when a version trains. The recipes AWS built on
the same network (Personalized-Ranking, User-Personalization-v2, the legacy HRNN family) are configurations of
this class, in `variants`.
"""

from __future__ import annotations

from typing import Any

from personalize_emulator.recipes.base import Model, Recipe, Split, SplitTraining, TrainingConfig, TrainingData
from personalize_emulator.recipes.hyperparameters import Spec, defaults, parse_all, resolve
from personalize_emulator.recipes.user_personalization.config import DEFAULT_WIDTH, NetworkConfig

HYPERPARAMETERS: dict[str, Spec] = {
    "hidden_dimension": Spec(int, 32, 256, str(DEFAULT_WIDTH)),
    "bptt": Spec(int, 2, 32, "32"),
    "recency_mask": Spec(bool, None, None, "true"),
    "min_user_history_length_percentile": Spec(float, 0.0, 1.0, "0.0"),
    "max_user_history_length_percentile": Spec(float, 0.0, 1.0, "0.99"),
}
SEARCH_SPACE = {
    "integerHyperParameterRanges": [
        {"name": "hidden_dimension", "minValue": 32, "maxValue": 256},
        {"name": "bptt", "minValue": 2, "maxValue": 32},
    ],
    "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": ["true", "false"]}],
}


class UserPersonalization(Recipe):
    name = "aws-user-personalization"
    spec: dict[str, Spec] = HYPERPARAMETERS
    search_space = SEARCH_SPACE
    reads_text = False
    """Whether the Items dataset's textual fields are read (as bags of words): AWS documents it for
    Personalized-Ranking and User-Personalization-v2."""

    def defaults(self) -> dict[str, str]:
        return defaults(self.spec)

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, self.spec, requested)

    def network_config(self, values: dict[str, Any], seed: int) -> NetworkConfig:
        """The network and training settings the parsed hyperparameters ask for (a variant maps its own names)."""
        return NetworkConfig(
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
        # PyTorch loads on the first training, not when the emulator is imported.
        from personalize_emulator.recipes.user_personalization import build

        if config.training_mode == "UPDATE" and isinstance(previous, build.UserPersonalizationModel):
            return self.restrict(build.update(previous, self.inputs(data)), data, config)
        return self.start(self.prepare(Split(data, data)), config).finish()

    def prepare(self, split: Split) -> Split:
        from personalize_emulator.recipes.user_personalization import build

        full = self.inputs(split.full)
        train = full if split.train is split.full else self.inputs(split.train)
        return build.prepare(Split(train, full), self.reads_text)

    def start(self, prepared: Split, config: TrainingConfig) -> SplitTraining:
        from personalize_emulator.recipes.user_personalization import build

        assert isinstance(prepared, build.Prepared)  # made by self.prepare
        network = self.network_config(self.values(config.hyperparameters), config.seed)
        if config.budget is not None:
            network.budget_width = self.network_config(self.values(config.budget), config.seed).hidden
        return build.SplitRun(
            prepared,
            network,
            config.device,
            config.label,
            lambda model, data: self.restrict(model, data, config),
            config.interrupt,
        )

    def restrict(self, model: Model, data: TrainingData, config: TrainingConfig) -> Model:
        """The model as it serves `data` (a variant may hold some items back)."""
        return model

    def values(self, requested: dict[str, str]) -> dict[str, Any]:
        """The hyperparameters a version trains with, parsed."""
        return parse_all(self.spec, self.hyperparameters(requested))
