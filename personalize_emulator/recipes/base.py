"""The recipe interface: a recipe trains a `Model` from a dataset group's data; a model answers the runtime.

Recipes know frames and item ids, nothing of HTTP or ARNs; the control plane joins them to resources.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Sequence
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import AvroSchema

USER_PERSONALIZATION = "USER_PERSONALIZATION"
PERSONALIZED_RANKING = "PERSONALIZED_RANKING"
RELATED_ITEMS = "RELATED_ITEMS"
POPULAR_ITEMS = "POPULAR_ITEMS"
"""The same list for everyone, asked for without a userId (Trending-Now: "You pass a userId in your request only
if you apply a filter that requires it")."""
USER_SEGMENTATION = "USER_SEGMENTATION"
PERSONALIZED_ACTIONS = "PERSONALIZED_ACTIONS"


class RecipeError(Exception):
    """A recipe cannot train as asked; the message says why, in words a user can act on."""


class TrainingFailed(RecipeError):
    """The data cannot train this recipe (a training run ends `CREATE FAILED` with this message)."""


class HyperparameterError(RecipeError, ValueError):
    """A hyperparameter is unknown or out of its documented range (refused as `InvalidInputException`)."""


class UnknownHyperparameters(HyperparameterError):
    """Hyperparameters the recipe does not have (AWS's refusal names the algorithm, which only the API knows)."""


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
    """What the solution and solution version ask of the training run, and where it runs."""

    hyperparameters: dict[str, str] = field(default_factory=dict)
    solution_config: dict[str, Any] = field(default_factory=dict)
    training_mode: str = "FULL"
    seed: int = 0
    device: str = "auto"
    """Where a network trains: `auto` (CUDA when PyTorch sees a GPU, else the CPU), `cpu`, `cuda`, `cuda:1`..."""
    label: str = "training"
    """The name progress lines give the training (a solution version's, an HPO job's), so a reader can tell
    which of several they follow."""
    interrupt: Callable[[], None] = lambda: None
    """Called between training steps; raises to end the training there (a version asked to stop, the emulator
    reset under it), so that no abandoned training keeps a core busy."""
    budget: dict[str, str] | None = None
    """Hyperparameters whose training this one may cost at most (HPO gives every candidate the configured set's
    budget, as Hyperband gives each the same epochs); recipes whose cost varies with a hyperparameter honour it."""


@dataclass
class Split:
    """A dataset group's data, whole (`full`), and the part a version's metrics model trains on (`train`: AWS's
    split, without the held-out users' newest interactions)."""

    train: TrainingData
    full: TrainingData


class Model(ABC):
    """A trained solution version: scores items for a user."""

    withheld_items: frozenset[str] = frozenset()
    """Items that serving leaves out of recommendations: those only deleted users had chosen (see `forget`)."""

    catalogue_changes: int = 0
    """How many times `item_ids` has grown since training (Trending-Now takes new items from events); serving
    rebuilds what it keeps of the catalogue when this moves."""

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

    def scoring_together(
        self, requests: Sequence[tuple[str | None, dict[str, str] | None]], device: str
    ) -> AbstractContextManager[None]:
        """While open, this thread's answers to these (user, context) requests may come from one batched computation
        on `device` (how a batch inference job scores its lines); by default nothing changes."""
        return nullcontext()

    def observe(self, rows: list[dict[str, Any]]) -> None:  # noqa: B027 (an optional hook, not abstract)
        """New interactions from PutEvents (schema field names); models that follow users in real time use them."""

    def forget(self, user_ids: AbstractSet[str], item_ids: AbstractSet[str]) -> None:
        """A data deletion job removed these users, and the items that only they had chosen: from now on the users
        are answered as users never seen, and the items are withheld, as AWS does until a version is trained anew.
        Models that keep per-user state extend this to drop it."""
        self.withheld_items = self.withheld_items | frozenset(item_ids)


class SplitTraining(ABC):
    """A training on a split's `train` data that can be looked at part-way and then finished on the `full` data.

    This is how one training gives a solution version both its metrics (from the model on the split) and its
    deployed model (the same training carried on to all the data), and how HPO stops a candidate that falls
    behind without paying for the rest of it.
    """

    @abstractmethod
    def advance(self, until: float) -> None:
        """Train on the split until `until` (0 to 1) of the training is done."""

    @abstractmethod
    def measured(self, users: Collection[str]) -> Model:
        """The model as trained on the split so far, to measure against the held-out interactions of `users` (the
        users it will be asked about: it may leave the others' histories unread)."""

    @abstractmethod
    def finish(self) -> Model:
        """The model to deploy: the training carried on to the full data."""


class Retraining(SplitTraining):
    """For recipes that train in one go: the split's model at the first look, then a second training on the full
    data (cheap for counting recipes such as Popularity-Count and SIMS)."""

    def __init__(self, recipe: Recipe, split: Split, config: TrainingConfig):
        self.recipe, self.split, self.config = recipe, split, config
        self._model: Model | None = None

    def advance(self, until: float) -> None:
        self.measured(())

    def measured(self, users: Collection[str]) -> Model:
        if self._model is None:
            self._model = self.recipe.train(self.split.train, self.config)
        return self._model

    def finish(self) -> Model:
        return self.recipe.train(self.split.full, self.config)


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
    batch: bool = True
    """Whether batch inference jobs may use its versions."""

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        """The hyperparameters a version trains with: the defaults, overridden by `requested`."""
        return dict(requested)

    @abstractmethod
    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        """A model fitted to `data`; with `config.training_mode == "UPDATE"`, `previous` is the model to update."""

    def prepare(self, split: Split) -> Split:
        """What every training of `split` shares (a recipe's features), made once: HPO's candidates all train on
        what this returns."""
        return split

    def start(self, prepared: Split, config: TrainingConfig) -> SplitTraining:
        """A training on `prepared` (from `prepare`), to advance, measure and finish."""
        return Retraining(self, prepared, config)
