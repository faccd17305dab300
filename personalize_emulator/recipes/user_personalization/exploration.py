"""Exploration of cold items, as a campaign's `itemExplorationConfig` asks.

Cold items are those whose age is within `explorationItemAgeCutOff` days, counted back from the latest
interaction in the dataset (not the wall clock); an item's age runs from its CREATION_TIMESTAMP, else its first
interaction, and an item with neither counts as new. `explorationWeight` is the expected share of the list
given to exploration: each slot explores with that probability. Which cold items fill those slots is decided by
Thompson sampling on a Beta posterior per item (a click is a success, an impression without one a failure,
with a prior centred on the observed click rate), weighted by the model's relevance of the item for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from personalize_emulator.recipes.user_personalization.features import ItemFeatures, Sequences

DAY = 86_400
PRIOR_STRENGTH = 10.0  # pseudo-impressions behind the prior
DEFAULT_CLICK_RATE = 0.1  # the prior's centre when no impressions were recorded


@dataclass
class Exposure:
    """Per item: times shown, times chosen; and when the dataset ends, for ages."""

    shown: np.ndarray
    chosen: np.ndarray
    created: np.ndarray
    latest: float
    click_rate: float
    _cold: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def prior(self) -> tuple[float, float]:
        return self.click_rate * PRIOR_STRENGTH, (1 - self.click_rate) * PRIOR_STRENGTH

    def cold(self, cutoff_days: float) -> np.ndarray:
        """Indices of the items within the age cut-off (index 0, the unknown item, never)."""
        return self.posteriors(cutoff_days)[0]

    def posteriors(self, cutoff_days: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cold items and the two parameters of each one's Beta posterior (computed once per cut-off)."""
        cached = self._cold.get(cutoff_days)
        if cached is None:
            age = self.latest - self.created
            cold = np.isnan(self.created) | (age <= cutoff_days * DAY)
            cold[0] = False
            items = np.flatnonzero(cold)
            alpha, beta = self.prior
            failures = np.maximum(self.shown[items] - self.chosen[items], 0.0)
            cached = self._cold[cutoff_days] = (items, alpha + self.chosen[items], beta + failures)
        return cached


def exposure(seq: Sequences, catalogue: ItemFeatures) -> Exposure:
    """Counts from the interactions: an impression list includes the chosen item, which is also a click."""
    shown = np.zeros(len(catalogue), dtype=np.float64)
    chosen = np.zeros(len(catalogue), dtype=np.float64)
    clicks_with_impressions = 0.0
    for item, others in zip(seq.items, seq.impressions):
        if len(others):
            np.add.at(shown, others, 1.0)
            shown[item] += 1.0
            clicks_with_impressions += 1.0
    np.add.at(chosen, seq.items, 1.0)
    total_shown = shown.sum()
    rate = clicks_with_impressions / total_shown if total_shown else DEFAULT_CLICK_RATE
    latest = float(seq.times.max()) if len(seq.times) else 0.0
    return Exposure(shown, chosen, catalogue.created.copy(), latest, float(np.clip(rate, 0.01, 0.99)))


def explore(
    ranking: np.ndarray,
    relevance: np.ndarray,
    count: int,
    weight: float,
    cutoff_days: float,
    stats: Exposure,
    rng: np.random.Generator,
    allowed: np.ndarray,
) -> np.ndarray:
    """`count` item indices: the relevance `ranking` with some slots given to sampled cold items.

    `relevance` is the model's probability per item; `allowed` is a boolean mask of items that may appear.
    With weight 0 the answer is exactly `ranking[:count]`.
    """
    head = ranking[:count]
    if weight <= 0 or count == 0:
        return head
    cold, alpha, beta = stats.posteriors(cutoff_days)
    usable = allowed[cold]
    if not usable.all():
        cold, alpha, beta = cold[usable], alpha[usable], beta[usable]
    slots = min(int(rng.binomial(count, weight)), len(cold))
    if slots == 0:
        return head
    # (every call here is on the request path: boolean masks instead of np.isin, a permutation instead of
    # choice without replacement; each saves tens of microseconds)
    fit = relevance[cold]
    appeal = rng.beta(alpha, beta) * np.sqrt(fit / max(float(fit.max()), 1e-12))
    best = np.argpartition(-appeal, slots - 1)[:slots] if slots < len(cold) else np.arange(len(cold))
    picked = cold[best[np.argsort(-appeal[best], kind="stable")]]
    taken = np.zeros(len(relevance), dtype=bool)
    taken[picked] = True
    rest = ranking[~taken[ranking]][: count - slots]
    out = np.empty(slots + len(rest), dtype=ranking.dtype)
    explored = np.zeros(len(out), dtype=bool)
    explored[rng.permutation(len(out))[:slots]] = True
    out[explored], out[~explored] = picked, rest
    return out
