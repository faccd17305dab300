"""Amazon Personalize's recipe catalogue, as `ListRecipes` and `DescribeRecipe` present it.

The catalogue lists every recipe AWS offers, trainable here or not; `recipes.trainable` says which ones this
emulator trains. The legacy HRNN recipes, which AWS no longer offers ("Legacy HRNN recipes are no longer
available", its recipe pages), are offered only under `configure(legacy_recipes=True)`. Timestamps are fixed:
recipes are AWS's, not the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from personalize_emulator import settings
from personalize_emulator.recipes import affinity, next_best_action, similar_items, sims
from personalize_emulator.recipes.hyperparameters import defaults
from personalize_emulator.recipes.trending_now import TrendingNow
from personalize_emulator.recipes.user_personalization import UserPersonalization
from personalize_emulator.recipes.user_personalization.variants import (
    Hrnn,
    HrnnColdstart,
    HrnnMetadata,
    PersonalizedRanking,
    UserPersonalizationV2,
)
from personalize_emulator.resources.arns import global_arn
from personalize_emulator.resources.use_cases import USE_CASES

CATALOGUE_TIME = 1_543_622_400.0  # 2018-12-01, when Personalize opened


@dataclass(frozen=True)
class RecipeEntry:
    name: str
    recipe_type: str
    description: str
    domain: str | None = None
    feature_transformation: str = "sims"
    default_hyperparameters: dict[str, str] = field(default_factory=dict)
    algorithm: str = ""  # the algorithm's name where it is not the recipe's
    legacy: bool = False  # AWS no longer offers it

    @property
    def arn(self) -> str:
        return global_arn("recipe", self.name)

    @property
    def algorithm_arn(self) -> str:
        return global_arn("algorithm", self.algorithm or self.name)

    def describe(self) -> dict:
        return {
            "name": self.name,
            "recipeArn": self.arn,
            "algorithmArn": self.algorithm_arn,
            "featureTransformationArn": global_arn("feature-transformation", self.feature_transformation),
            "status": "ACTIVE",
            "description": self.description,
            "creationDateTime": CATALOGUE_TIME,
            "lastUpdatedDateTime": CATALOGUE_TIME,
            "recipeType": self.recipe_type,
        }

    def summary(self) -> dict:
        return {
            "name": self.name,
            "recipeArn": self.arn,
            "status": "ACTIVE",
            "creationDateTime": CATALOGUE_TIME,
            "lastUpdatedDateTime": CATALOGUE_TIME,
            "domain": self.domain,
        }


_UP = "USER_PERSONALIZATION"
_RANK = "PERSONALIZED_RANKING"
_RELATED = "RELATED_ITEMS"
_SEGMENT = "USER_SEGMENTATION"
_ACTIONS = "PERSONALIZED_ACTIONS"

RECIPES: tuple[RecipeEntry, ...] = (
    RecipeEntry(
        "aws-user-personalization",
        _UP,
        "Predicts the items a user will interact with, and explores new items with impressions data.",
        feature_transformation="user-personalization",
        default_hyperparameters=UserPersonalization().defaults(),
    ),
    RecipeEntry(
        "aws-user-personalization-v2",
        _UP,
        "Recommends the items a user will interact with from their preferences, with a transformer trained on "
        "up to 5 million items of the Item interactions and Items datasets.",
        feature_transformation="user-personalization-v2",
        default_hyperparameters=UserPersonalizationV2().defaults(),
    ),
    RecipeEntry(
        "aws-popularity-count",
        _UP,
        "Calculates the popularity of items based on the count of events against each item in the dataset.",
        feature_transformation="sims",
    ),
    RecipeEntry(
        "aws-trending-now",
        _UP,
        "Recommends items that are gaining popularity fastest among your users.",
        feature_transformation="trending-now",
        algorithm="aws-trending-now-custom",  # as its recipe page names it
        default_hyperparameters=TrendingNow().defaults(),
    ),
    RecipeEntry(
        "aws-hrnn",
        _UP,
        "Legacy. A hierarchical recurrent neural network that models how a user's behavior changes over time, "
        "weighting recent interactions higher, to recommend items within a session. Trains on interactions only.",
        feature_transformation="JSON-percentile-filtering",
        default_hyperparameters=Hrnn().defaults(),
        legacy=True,
    ),
    RecipeEntry(
        "aws-hrnn-metadata",
        _UP,
        "Legacy. HRNN with additional features derived from contextual, user and item metadata (the "
        "Interactions, Users and Items datasets), for more accurate recommendations when the metadata is good.",
        feature_transformation="featurize_metadata",
        default_hyperparameters=HrnnMetadata().defaults(),
        legacy=True,
    ),
    RecipeEntry(
        "aws-hrnn-coldstart",
        _UP,
        "Legacy. HRNN-Metadata that recommends new items as soon as they are added: only cold items, those with "
        "few interactions (cold_start_max_interactions) within a recent period (cold_start_max_duration).",
        feature_transformation="featurize_coldstart",
        default_hyperparameters=HrnnColdstart().defaults(),
        legacy=True,
    ),
    RecipeEntry(
        "aws-personalized-ranking",
        _RANK,
        "Re-ranks a list of items for a user (search results, promotions, curated lists) with a hierarchical "
        "recurrent neural network, from the Item interactions dataset and, if present, the Items and Users datasets.",
        feature_transformation="JSON-percentile-filtering",
        default_hyperparameters=PersonalizedRanking().defaults(),
    ),
    RecipeEntry(
        "aws-personalized-ranking-v2",
        _RANK,
        "Ranks a list of items for a user, with a Transformer architecture.",
        feature_transformation="personalized-ranking-v2",
    ),
    RecipeEntry(
        "aws-sims",
        _RELATED,
        "Item-to-item similarities (SIMS): recommends the items most similar to a given item, from the co-occurrence "
        "of items in user histories in the Interactions dataset; popular items where behaviour data is lacking.",
        feature_transformation="sims",
        default_hyperparameters=defaults(sims.HYPERPARAMETERS),
    ),
    RecipeEntry(
        "aws-similar-items",
        _RELATED,
        "Similar-Items: recommends items similar to a given item, from the co-occurrence of items in user histories "
        "and from item metadata (categorical and unstructured text), so that cold items get similar items too.",
        feature_transformation="similar-items",  # AWS documents no feature transformation for this recipe
        default_hyperparameters=defaults(similar_items.HYPERPARAMETERS),
    ),
    RecipeEntry(
        "aws-semantic-similarity",
        _RELATED,
        "Recommends items with similar meaning, from the items' text.",
        feature_transformation="semantic-similarity",
    ),
    RecipeEntry(
        "aws-item-affinity",
        _SEGMENT,
        "Finds the users most likely to interact with each item.",
        feature_transformation="item-affinity",
        default_hyperparameters=defaults(affinity.HYPERPARAMETERS),
    ),
    RecipeEntry(
        "aws-item-attribute-affinity",
        _SEGMENT,
        "Finds the users most likely to interact with items of given attributes.",
        feature_transformation="item-attribute-affinity",
        default_hyperparameters=defaults(affinity.HYPERPARAMETERS),
    ),
    RecipeEntry(
        "aws-next-best-action",
        _ACTIONS,
        "Recommends the actions a user is most likely to take next.",
        feature_transformation="next-best-action",
        default_hyperparameters=defaults(next_best_action.HYPERPARAMETERS),
    ),
    *(
        RecipeEntry(
            case.name,
            _RELATED if case.engine.recipe_type == _RELATED else _UP,
            f"{case.title}: {case.description}",
            domain=case.domain,
            feature_transformation=case.name,
        )
        for case in USE_CASES.values()
    ),
)

BY_ARN = {entry.arn: entry for entry in RECIPES}


def offered() -> list[RecipeEntry]:
    """The recipes AWS offers today (and the legacy ones, when configured for them), as `ListRecipes` lists them."""
    return [entry for entry in RECIPES if settings.legacy_recipes() or not entry.legacy]
