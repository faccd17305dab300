"""The recipe interface: a recipe trains a `Model` from a dataset group's data; a model answers the runtime.

Recipes know frames and item ids, nothing of HTTP or ARNs; the control plane joins them to resources.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import AvroSchema

USER_PERSONALIZATION = "USER_PERSONALIZATION"
PERSONALIZED_RANKING = "PERSONALIZED_RANKING"
RELATED_ITEMS = "RELATED_ITEMS"
USER_SEGMENTATION = "USER_SEGMENTATION"
PERSONALIZED_ACTIONS = "PERSONALIZED_ACTIONS"


class RecipeError(Exception):
    """A recipe cannot train as asked; the message says why, in words a user can act on."""


class TrainingFailed(RecipeError):
    """The data cannot train this recipe (a training run ends `CREATE FAILED` with this message)."""


class HyperparameterError(RecipeError, ValueError):
    """A hyperparameter is unknown or out of its documented range (refused as `InvalidInputException`)."""


@dataclass
class TrainingData:
    """A snapshot of one dataset group's records, as a solution sees them (after its event filters)."""

    interactions: pd.DataFrame
    items: pd.DataFrame | None = None
    users: pd.DataFrame | None = None
    schemas: dict[str, AvroSchema] = field(default_factory=dict)
    """The schema of each dataset, by type (`INTERACTIONS`, `ITEMS`, `USERS`), for recipes that read metadata."""
    actions: pd.DataFrame | None = None
    action_interactions: pd.DataFrame | None = None
    """The Actions and Action interactions datasets, which only Next-Best-Action reads."""

    def catalogue(self) -> pd.Index:
        """Every item id that Interactions or Items name."""
        ids = pd.Index(self.interactions["ITEM_ID"].unique())
        if self.items is not None and len(self.items):
            ids = ids.union(pd.Index(self.items["ITEM_ID"].unique()))
        return ids


@dataclass
class TrainingConfig:
    """What the solution and solution version ask of the training run."""

    hyperparameters: dict[str, str] = field(default_factory=dict)
    solution_config: dict[str, Any] = field(default_factory=dict)
    training_mode: str = "FULL"
    seed: int = 0


class Model(ABC):
    """A trained solution version: scores items for a user."""

    @abstractmethod
    def recommend(
        self,
        user_id: str | None,
        num_results: int,
        context: dict[str, str] | None = None,
        exclude: AbstractSet[str] | None = None,
        exploration: dict[str, str] | None = None,
        rng: np.random.Generator | None = None,
        item_id: str | None = None,
    ) -> list[tuple[str, float | None]]:
        """The best `num_results` (item id, score) for the user, or for the item `item_id` (RELATED_ITEMS
        recipes), best first, none of `exclude`.

        The score is None for recipes that AWS shows without scores (such as Popularity-Count). A recipe that
        explores reads the campaign's `exploration` config and draws from `rng`."""

    @abstractmethod
    def rank(
        self, user_id: str, item_ids: list[str], context: dict[str, str] | None = None
    ) -> list[tuple[str, float | None]]:
        """The known items of `item_ids` ordered for the user, best first (unknown ones are left out)."""

    def knows_item(self, item_id: str) -> bool:
        return False

    @abstractmethod
    def item_ids(self) -> list[str]:
        """Every item the model can recommend (what an INCLUDE filter chooses from); fixed once trained, since
        filters keep it with the model."""

    def observe(self, rows: list[dict[str, Any]]) -> None:  # noqa: B027 (an optional hook, not abstract)
        """New interactions from PutEvents (schema field names); models that follow users in real time use them."""


class NoItemsModel(Model):
    """A model that answers no item request (user segments, actions): serving sends those requests to the models
    of item recipes only, so a version of this model has no items to recommend, rank or filter."""

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        return []

    def rank(self, user_id, item_ids, context=None):
        return []

    def item_ids(self):
        return []


class Recipe(ABC):
    """A trainable recipe, such as `aws-popularity-count`."""

    name: str
    recipe_type: str = USER_PERSONALIZATION
    search_space: dict[str, Any] = {}
    """The default `algorithmHyperParameterRanges` for performHPO; empty for a recipe with nothing to tune."""

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        """The hyperparameters a version trains with: the defaults, overridden by `requested`."""
        return dict(requested)

    @abstractmethod
    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        """A model fitted to `data`; with `config.training_mode == "UPDATE"`, `previous` is the model to update."""
