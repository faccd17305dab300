"""Exploration of cold items, as a campaign's `itemExplorationConfig` asks.

Cold items are those whose age is within `explorationItemAgeCutOff` days, counted back from the latest
interaction in the dataset (not the wall clock); an item's age runs from its CREATION_TIMESTAMP, else its first
interaction, and an item with neither counts as new. `explorationWeight` is the expected share of the list
given to exploration: each slot explores with that probability. Which cold items fill those slots is decided by
Thompson sampling on a Beta posterior per item (a click is a success, an impression without one a failure,
with a prior centred on the observed click rate), weighted by the model's relevance of the item for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import Catalogue, Sequences

DAY = 86_400
PRIOR_STRENGTH = 10.0  # pseudo-impressions behind the prior
DEFAULT_CLICK_RATE = 0.1  # the prior's centre when no impressions were recorded
RELEVANCE_POWER = 0.5  # how strongly relevance tempers the sampled click rates


@dataclass
class Exposure:
    """Per item: times shown, times chosen; and when the dataset ends, for ages."""

    shown: np.ndarray
    chosen: np.ndarray
    created: np.ndarray
    latest: float
    click_rate: float

    @property
    def prior(self) -> tuple[float, float]:
        return self.click_rate * PRIOR_STRENGTH, (1 - self.click_rate) * PRIOR_STRENGTH

    def cold(self, cutoff_days: float) -> np.ndarray:
        """Indices of the items within the age cut-off (index 0, the unknown item, never)."""
        age = self.latest - self.created
        cold = np.isnan(self.created) | (age <= cutoff_days * DAY)
        cold[0] = False
        return np.flatnonzero(cold)


def exposure(seq: Sequences, catalogue: Catalogue) -> Exposure:
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
    cold = stats.cold(cutoff_days)
    cold = cold[allowed[cold]]
    slots = min(int(rng.binomial(count, weight)), len(cold))
    if slots == 0:
        return head
    alpha, beta = stats.prior
    failures = np.maximum(stats.shown[cold] - stats.chosen[cold], 0.0)
    sampled = rng.beta(alpha + stats.chosen[cold], beta + failures)
    fit = relevance[cold] / max(float(relevance[cold].max()), 1e-12)
    picked = cold[np.argsort(-(sampled * fit**RELEVANCE_POWER), kind="stable")[:slots]]
    rest = ranking[~np.isin(ranking, picked)][: count - slots]
    out = np.empty(slots + len(rest), dtype=ranking.dtype)
    explored = np.zeros(len(out), dtype=bool)
    explored[rng.choice(len(out), size=slots, replace=False)] = True
    out[explored], out[~explored] = picked, rest
    return out
