"""What the RELATED_ITEMS recipes (`aws-sims`, `aws-similar-items`) share: answering an `itemId`, the popular
items that stand in where similarity runs out, and the linear algebra both train with.

As AWS documents both recipes: an item without enough behaviour data, or an itemId the model does not know,
gets popular items (by distinct users, as Popularity-Count ranks them). Where AWS is silent, the list is always
filled to `numResults`: the item's neighbours first, then popular items. The query item never appears in its own
list. Neither recipe shows scores (AWS shows none for SIMS, Similar-Items or Popularity-Count), and neither
follows PutEvents: AWS asks for a new solution version to pick up new behaviour and new items.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable

import numpy as np
import pandas as pd

from personalize_emulator.recipes.base import RELATED_ITEMS, Model, Recipe, TrainingConfig, TrainingData
from personalize_emulator.recipes.popularity import PopularityCount, PopularityModel

OVERSAMPLE = 10  # extra columns of the randomized SVD's sketch
POWER_ITERATIONS = 4


class RelatedItemsModel(Model):
    """A model that lists the items related to an item; `popular` fills what the neighbours leave."""

    def __init__(self, popular: PopularityModel):
        self.popular = popular

    @abstractmethod
    def neighbours(self, item_id: str) -> Iterable[str]:
        """The items related to a known item, best first; empty where the model knows nothing related."""

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        skip = set(exclude or ()) | {item_id}
        chosen: list[str] = []
        if num_results > 0 and self.knows_item(item_id):
            for item in self.neighbours(item_id):
                if item not in skip:
                    chosen.append(item)
                    skip.add(item)
                    if len(chosen) == num_results:
                        break
        if len(chosen) < num_results:
            chosen += [item for item, _ in self.popular.recommend(None, num_results - len(chosen), exclude=skip)]
        return [(item, None) for item in chosen]

    def rank(self, user_id, item_ids, context=None):
        return self.popular.rank(user_id, item_ids)  # RELATED_ITEMS campaigns do not rank; serving refuses first

    def item_ids(self):
        return self.popular.item_ids()


class RelatedItemsRecipe(Recipe):
    recipe_type = RELATED_ITEMS

    @staticmethod
    def popular(data: TrainingData, config: TrainingConfig) -> PopularityModel:
        """Every item of `data`'s catalogue, most distinct users first, ties by item id."""
        return PopularityCount().train(data, config)


def within_percentiles(counts: pd.Series, low: float, high: float) -> pd.Index:
    """The keys of `counts` whose count lies between its `low` and `high` quantiles (both kept)."""
    bottom, top = np.quantile(counts.to_numpy(dtype="float64"), [low, high])
    return counts.index[(counts >= bottom) & (counts <= top)]


def incidence(frame: pd.DataFrame, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct (item, user) pairs of `frame` among the items of `index`, as item and user codes, and the
    number of users."""
    pairs = frame.loc[frame["ITEM_ID"].isin(index), ["ITEM_ID", "USER_ID"]].drop_duplicates()
    users = pd.factorize(pairs["USER_ID"])[0]
    items = pairs["ITEM_ID"].map(index).to_numpy(dtype=np.int64)
    return items, users.astype(np.int64), int(users.max() + 1) if len(users) else 0


def row_embeddings(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int], rank: int, seed: int
) -> np.ndarray:
    """Rows of the sparse matrix (rows, cols, values) as vectors of at most `rank` dimensions whose dot products
    approximate the rows' (U·S of a truncated SVD: exact when the matrix is that small, randomized otherwise)."""
    import torch  # loaded on the first training only

    m, n = shape
    k = min(rank, m, n)
    if not len(values) or k == 0:
        return np.zeros((m, 0), dtype=np.float32)
    a = torch.sparse_coo_tensor(
        torch.from_numpy(np.vstack([rows, cols]).astype(np.int64)),
        torch.as_tensor(values, dtype=torch.float64),
        (m, n),
        check_invariants=True,
    ).coalesce()
    if min(m, n) <= k + OVERSAMPLE:
        u, s, _ = torch.linalg.svd(a.to_dense(), full_matrices=False)
    else:
        at = a.t().coalesce()
        generator = torch.Generator().manual_seed(seed)
        q = torch.linalg.qr(torch.sparse.mm(a, torch.randn(n, k + OVERSAMPLE, generator=generator, dtype=a.dtype))).Q
        for _ in range(POWER_ITERATIONS):
            q = torch.linalg.qr(torch.sparse.mm(a, torch.linalg.qr(torch.sparse.mm(at, q)).Q)).Q
        small, s, _ = torch.linalg.svd(torch.sparse.mm(at, q).T, full_matrices=False)
        u = q @ small
    return (u[:, :k] * s[:k]).numpy().astype(np.float32)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1; rows of zeros stay zeros."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
