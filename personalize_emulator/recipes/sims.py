"""`aws-sims`: items similar to an item by their co-occurrence in users' histories (Interactions only).

The similarity of a candidate j to the query i is `c(i, j) / u(j) ** popularity_discount_factor`, where c counts
the users who chose both and u the users who chose j. As AWS describes the knob: at 0 the most popular co-chosen
items come first; at 1 popularity is divided out (the share of j's users who also chose i); the default 0.5 orders
as the cosine of the two items' user sets. Pairs chosen together by fewer than `min_cointeraction_count` users
(at least one) are not neighbours. Before counting, the featurization hyperparameters drop users whose history
length, and items whose interaction count, lie outside the given percentiles (AWS's defaults drop the top 10% most
interacted items); a dropped item answers with popular items, like an unknown one. The Items and Users datasets
are not read, as AWS documents for SIMS.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from personalize_emulator.recipes.base import Model, TrainingConfig, TrainingData
from personalize_emulator.recipes.hyperparameters import Spec, parse_all, resolve
from personalize_emulator.recipes.popularity import PopularityModel
from personalize_emulator.recipes.related_items import (
    RelatedItemsModel,
    RelatedItemsRecipe,
    incidence,
    within_percentiles,
)

HYPERPARAMETERS = {
    "popularity_discount_factor": Spec(float, 0.0, 1.0, "0.5"),
    "min_cointeraction_count": Spec(int, 0, 10, "3"),
    "min_user_history_length_percentile": Spec(float, 0.0, 1.0, "0.005"),
    "max_user_history_length_percentile": Spec(float, 0.0, 1.0, "0.995"),
    "min_item_interaction_count_percentile": Spec(float, 0.0, 1.0, "0.01"),
    "max_item_interaction_count_percentile": Spec(float, 0.0, 1.0, "0.9"),
}
SEARCH_SPACE = {  # the two HPO-tunable knobs, over their documented ranges
    "continuousHyperParameterRanges": [{"name": "popularity_discount_factor", "minValue": 0.0, "maxValue": 1.0}],
    "integerHyperParameterRanges": [{"name": "min_cointeraction_count", "minValue": 0, "maxValue": 10}],
}
MAX_NEIGHBOURS = 500  # numResults is at most 500; popular items fill behind filtered-out neighbours
BLOCK = 256  # query items per co-occurrence product


class SimsModel(RelatedItemsModel):
    def __init__(self, popular: PopularityModel, ids: list[str], table: np.ndarray):
        super().__init__(popular)
        self.ids = ids
        self.index = {item: i for i, item in enumerate(ids)}
        self.table = table  # [item, rank] -> neighbour index, -1 past the last neighbour

    def knows_item(self, item_id):
        return item_id in self.index

    def neighbours(self, item_id: str) -> Iterable[str]:
        return (self.ids[j] for j in self.table[self.index[item_id]] if j >= 0)


class Sims(RelatedItemsRecipe):
    name = "aws-sims"
    search_space = SEARCH_SPACE

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, HYPERPARAMETERS, requested)

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> Model:
        values = parse_all(HYPERPARAMETERS, self.hyperparameters(config.hyperparameters))
        frame = data.interactions
        popular = self.popular(TrainingData(frame), config)
        users = within_percentiles(
            frame["USER_ID"].value_counts(),
            values["min_user_history_length_percentile"],
            values["max_user_history_length_percentile"],
        )
        kept = set(
            within_percentiles(
                frame["ITEM_ID"].value_counts(),
                values["min_item_interaction_count_percentile"],
                values["max_item_interaction_count_percentile"],
            )
        )
        ids = [item for item in popular.ranked if item in kept]  # popularity order: ties go to the popular item
        items, people, user_count = incidence(frame[frame["USER_ID"].isin(users)], {i: n for n, i in enumerate(ids)})
        table = cooccurrence_neighbours(
            items,
            people,
            len(ids),
            user_count,
            values["popularity_discount_factor"],
            int(values["min_cointeraction_count"]),
        )
        return SimsModel(popular, ids, table)


def cooccurrence_neighbours(
    items: np.ndarray, users: np.ndarray, item_count: int, user_count: int, discount: float, min_count: int
) -> np.ndarray:
    """[item, rank] -> the index of its rank-th neighbour (-1 when it has fewer), from distinct (item, user) pairs.

    The co-occurrence counts of a block of query items are one sparse product (items x users by users x block),
    so memory stays at items x BLOCK however large the catalogue."""
    import torch  # loaded on the first training only

    width = min(MAX_NEIGHBOURS, max(item_count - 1, 0))
    table = np.full((item_count, width), -1, dtype=np.int32)
    if not width or not len(items):
        return table
    chosen_by = np.bincount(items, minlength=item_count).astype(np.float64)
    by_item = np.argsort(items, kind="stable")
    items, users = items[by_item], users[by_item]
    starts = np.searchsorted(items, np.arange(item_count + 1))
    matrix = torch.sparse_coo_tensor(
        torch.from_numpy(np.vstack([items, users])),
        torch.ones(len(items)),
        (item_count, user_count),
        check_invariants=True,
    ).coalesce()
    discount_by = np.power(np.maximum(chosen_by, 1.0), discount)[:, None]
    for first in range(0, item_count, BLOCK):
        last = min(first + BLOCK, item_count)
        block = torch.zeros(user_count, last - first)
        span = slice(starts[first], starts[last])
        block[torch.from_numpy(users[span]), torch.from_numpy(items[span] - first)] = 1.0
        together = torch.sparse.mm(matrix, block).numpy().astype(np.float64)  # [candidate, query] users
        scores = np.where(together >= max(1, min_count), together / discount_by, -np.inf)
        scores[np.arange(first, last), np.arange(last - first)] = -np.inf  # never its own neighbour
        order = np.argsort(-scores, axis=0, kind="stable")[:width]
        found = np.isfinite(np.take_along_axis(scores, order, axis=0))
        table[first:last] = np.where(found, order, -1).T
    return table
