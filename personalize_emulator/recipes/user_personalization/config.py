"""How the User-Personalization network is built and trained: what its hyperparameters ask for, plus the settings of
training that AWS does not expose. Free of PyTorch, so that the recipe's module stays light to import."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_WIDTH = 149  # hidden_dimension's default, as AWS documents it


@dataclass
class NetworkConfig:
    """The network's size and the training run's settings, from a version's hyperparameters."""

    hidden: int = DEFAULT_WIDTH
    bptt: int = 32
    recency_mask: bool = True
    min_percentile: float = 0.0
    max_percentile: float = 0.99
    learning_rate: float = 2e-2
    batch_windows: int = 128
    epochs: int | None = None
    budget_width: int | None = None  # train as many epochs as a network this wide would (HPO's equal budget)
    seed: int = 0
    text: bool = False  # read the Items dataset's textual fields
