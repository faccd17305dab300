"""Promotions in GetRecommendations: a share of the list comes from the items that the promotion's filter keeps.

As the developer guide describes them ("Promoting items in real-time recommendations"): the promotion's filter
applies only to the promoted items and the request's filter only to the others; promoted items are placed at
random among the others and keep their own order among themselves; when too few items meet the promotion's
criteria, the list holds as many as there are. Where the guide is silent, the emulator rounds the share up (a
promotion asked for shows at least one item when one qualifies), takes the recipe's best items among those the
promotion's filter keeps (without exploration), never repeats an item, and draws the positions with the request's
seeded random stream.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.serving import answers


def recommend_with_promotion(
    backend,
    served: answers.Served,
    promotion: dict[str, Any],
    *,
    num_results: int,
    rng: np.random.Generator,
    **request: Any,
) -> list[tuple[str, float | None, str | None]]:
    """(item id, score, promotion name or None) for `num_results` items, a share of them promoted. `request` holds
    the other arguments of `answers.recommend` (user, item, context, the request's filter, exploration, and what a
    use case filters out on its own, which promoted items are not spared)."""
    for member in ("name", "percentPromotedItems", "filterArn"):
        if promotion.get(member) is None:
            raise InvalidInputException(f"A promotion needs {member}.")
    share = math.ceil(num_results * promotion["percentPromotedItems"] / 100)
    promoted = answers.recommend(
        backend,
        served,
        user_id=request.get("user_id"),
        item_id=request.get("item_id"),
        context=request.get("context"),
        num_results=share,
        filter_arn=promotion["filterArn"],
        filter_values=promotion.get("filterValues"),
        excluded=request.get("excluded", frozenset()),
    )
    chosen = {item for item, _ in promoted}
    rest = answers.recommend(backend, served, num_results=num_results, rng=rng, **request)
    rest = [entry for entry in rest if entry[0] not in chosen][: num_results - len(promoted)]
    total = len(rest) + len(promoted)
    slots = set(rng.choice(total, size=len(promoted), replace=False).tolist())
    promoted_left, rest_left = iter(promoted), iter(rest)
    return [
        (*next(promoted_left), promotion["name"]) if slot in slots else (*next(rest_left), None)
        for slot in range(total)
    ]
