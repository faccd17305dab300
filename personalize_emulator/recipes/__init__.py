"""Recipes this emulator trains, by name; AWS's list of recipes (ARNs, descriptions) is `resources.recipe_catalogue`."""

from __future__ import annotations

from personalize_emulator.recipes.affinity import ItemAffinity, ItemAttributeAffinity
from personalize_emulator.recipes.base import Model, Recipe, TrainingConfig, TrainingData
from personalize_emulator.recipes.next_best_action import NextBestAction
from personalize_emulator.recipes.popularity import PopularityCount
from personalize_emulator.recipes.similar_items import SimilarItems
from personalize_emulator.recipes.sims import Sims
from personalize_emulator.recipes.trending_now import TrendingNow
from personalize_emulator.recipes.user_personalization import UserPersonalization
from personalize_emulator.recipes.user_personalization.variants import (
    Hrnn,
    HrnnColdstart,
    HrnnMetadata,
    PersonalizedRanking,
    UserPersonalizationV2,
)

_TRAINABLE: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    """Make `recipe` trainable under its name (the way recipes plug into the emulator)."""
    _TRAINABLE[recipe.name] = recipe
    return recipe


def trainable(name: str) -> Recipe | None:
    return _TRAINABLE.get(name)


register(PopularityCount())
register(UserPersonalization())
register(Sims())
register(SimilarItems())
register(TrendingNow())
register(ItemAffinity())
register(ItemAttributeAffinity())
register(NextBestAction())
for variant in (PersonalizedRanking, UserPersonalizationV2, Hrnn, HrnnMetadata, HrnnColdstart):
    register(variant())

__all__ = ["Model", "Recipe", "TrainingConfig", "TrainingData", "register", "trainable"]
