"""The use cases of Domain dataset groups (the recipes of recommenders): what each needs, what it learns with, and
what it filters out on its own.

From the developer guide's "VIDEO_ON_DEMAND use cases" and "ECOMMERCE use cases" pages: the GetRecommendations
members each use case requires, the datasets it trains on, the events it needs ("At minimum, 1000 `Watch`
events"), and its automatic filtering ("automatically filters videos the user watched based on the userId you
specify and `Watch` events"; "If you apply your own filter, your filter is applied after"). AWS does not say how
each is built; here each learns with the engine that fits it (see `engine`), from the events of its
`event_type` (all events where it has none). Where AWS is silent: event types match without regard to case (AWS's
own VIDEO_ON_DEMAND tutorial data says `watch`), and the popular lists count the whole Interactions dataset (no
window is documented).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import Recipe
from personalize_emulator.recipes.popularity import EventCount, PopularityCount
from personalize_emulator.recipes.similar_items import SimilarItems
from personalize_emulator.recipes.sims import Sims
from personalize_emulator.recipes.trending_now import TrendingNow
from personalize_emulator.recipes.user_personalization import UserPersonalization

MIN_EVENTS = 1000

# Co-occurrence as aws-sims counts it, without SIMS's trimming of the most and least active users and items: a
# recommender's "customers who viewed X also viewed" should know the most viewed items too.
CO_OCCURRENCE = {
    "min_user_history_length_percentile": "0.0",
    "max_user_history_length_percentile": "1.0",
    "min_item_interaction_count_percentile": "0.0",
    "max_item_interaction_count_percentile": "1.0",
}


@dataclass(frozen=True)
class UseCase:
    name: str
    domain: str
    title: str
    description: str
    engine: Recipe
    event_type: str | None = None
    """The events it learns from and needs at least 1,000 of; None: events of any type."""
    needs_user: bool = True
    needs_item: bool = False
    needs_items_dataset: bool = False
    filters_out: str | None = None
    """The event type whose items the asking user already had are left out of every answer."""
    explores: bool = False
    hyperparameters: dict[str, str] = field(default_factory=dict)

    def check_request(self, user_id: str | None, item_id: str | None) -> None:
        """Refuse a GetRecommendations request without what this use case requires."""
        for member, needed, given in (("userId", self.needs_user, user_id), ("itemId", self.needs_item, item_id)):
            if needed and not given:
                raise InvalidInputException(f"{member} is required for a recommender of the use case {self.name}.")


_UP, _SIMS, _SIMILAR = UserPersonalization(), Sims(), SimilarItems()

USE_CASES: dict[str, UseCase] = {
    case.name: case
    for case in (
        UseCase(
            "aws-vod-because-you-watched-x", "VIDEO_ON_DEMAND", "Because you watched X",
            "Recommends videos that other users also watched, based on a video that you specify.",
            _SIMS, event_type="Watch", needs_item=True, filters_out="Watch", hyperparameters=CO_OCCURRENCE,
        ),
        UseCase(
            "aws-vod-more-like-x", "VIDEO_ON_DEMAND", "More like X",
            "Recommends videos that are similar to a video that you specify.",
            _SIMILAR, needs_item=True, needs_items_dataset=True, filters_out="Watch",
        ),
        UseCase(
            "aws-vod-most-popular", "VIDEO_ON_DEMAND", "Most popular",
            "Recommends the videos that have been watched by the most users.",
            PopularityCount(), event_type="Watch",
        ),
        UseCase(
            "aws-vod-trending-now", "VIDEO_ON_DEMAND", "Trending now",
            "Recommends the videos that are rapidly becoming more popular with your users.",
            TrendingNow(), needs_user=False,
        ),
        UseCase(
            "aws-vod-top-picks", "VIDEO_ON_DEMAND", "Top picks for you",
            "Recommends videos personalized for a user, with exploration of new videos.",
            _UP, filters_out="Watch", explores=True,
        ),
        UseCase(
            "aws-ecomm-popular-items-by-views", "ECOMMERCE", "Most viewed",
            "Recommends popular items based on how many times your customers viewed an item.",
            EventCount(), event_type="View",
        ),
        UseCase(
            "aws-ecomm-popular-items-by-purchases", "ECOMMERCE", "Best sellers",
            "Recommends popular items based on how many times your customers purchased an item.",
            EventCount(), event_type="Purchase",
        ),
        UseCase(
            "aws-ecomm-frequently-bought-together", "ECOMMERCE", "Frequently bought together",
            "Recommends items that customers frequently buy together with an item that you specify.",
            _SIMS, event_type="Purchase", needs_user=False, needs_item=True, hyperparameters=CO_OCCURRENCE,
        ),
        UseCase(
            "aws-ecomm-customers-who-viewed-x-also-viewed", "ECOMMERCE", "Customers who viewed X also viewed",
            "Recommends items that customers also viewed after viewing an item that you specify.",
            _SIMS, event_type="View", needs_item=True, filters_out="Purchase", hyperparameters=CO_OCCURRENCE,
        ),
        UseCase(
            "aws-ecomm-recommended-for-you", "ECOMMERCE", "Recommended for you",
            "Recommends items personalized for a user, with exploration of new items.",
            _UP, filters_out="Purchase", explores=True,
        ),
    )
}  # fmt: skip
