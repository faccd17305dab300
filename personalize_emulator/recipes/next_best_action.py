"""`aws-next-best-action`: the actions a user is most likely to take within the action optimization period, as a
propensity between 0 and 1, most likely first.

A user is described by their tastes in items (the mean of the vectors of the items they chose, from a truncated
SVD of the Item interactions dataset) and by their own history with each action (how often they took it, did not
take it, and saw it). Each action learns how those predict that the user takes it: a logistic regression fitted on
every action interaction, whose label is whether the user took the action then or within
`action_optimization_period` days after, from the history before it. The guide's rules:

- An action is scored once it has "at least 50 action interactions with the TAKEN event type" and "at least 50
  ... with the NOT_TAKEN or VIEWED event type", "within a span of 6 weeks from the latest interaction timestamp in
  the Action interactions dataset", at training; until then its score is 0.0 ("without personalization").
- "If a user is equally likely to take two different actions, Amazon Personalize ranks the action with the greater
  value higher"; where AWS is silent, equal scores and values go to the action taken most often, then by id.
- "During model training, Amazon Personalize considers a maximum of 1000 actions", "priority given to new actions
  ... and existing actions with recent interactions data"; an action added after training is recommended with
  score 0.0, as AWS's automatic updates add new actions "through exploration".

Serving (`serving.actions`) reads the user's item and action interactions as they are at request time, so the
model follows PutEvents and PutActionInteractions without a new version.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from personalize_emulator.data.action_events import NOT_TAKEN, TAKEN, VIEWED, action_event_type
from personalize_emulator.recipes.base import (
    PERSONALIZED_ACTIONS,
    Model,
    NoItemsModel,
    Recipe,
    TrainingConfig,
    TrainingData,
    TrainingFailed,
)
from personalize_emulator.recipes.hyperparameters import Spec, parse_all, resolve
from personalize_emulator.recipes.related_items import row_embeddings, unit_rows

HYPERPARAMETERS = {"action_optimization_period": Spec(int, 7, 28, "14")}
DAY = 86_400
MIN_TAKEN = 50
MIN_NOT_TAKEN = 50  # NOT_TAKEN or VIEWED
SCORING_SPAN = 42 * DAY  # "a span of 6 weeks from the latest interaction timestamp"
MAX_ACTIONS = 1000
TASTE_DIMENSION = 32
HISTORY = (TAKEN, NOT_TAKEN, VIEWED)  # the counts of a user's past interactions with the action, by event type


class NextBestActionModel(NoItemsModel):
    """Per scored action, weights on the user's tastes and on their history with it."""

    def __init__(
        self,
        considered: list[str],
        known: list[str],
        items: list[str],
        item_vectors: np.ndarray,
        scored: list[str],
        weights: np.ndarray,
        bias: np.ndarray,
        history_weights: np.ndarray,
        taken: dict[str, int],
    ):
        self.considered = set(considered)  # the actions it trained with (at most 1000)
        self.known = set(known)  # every action of the Actions dataset at training
        self.item_index = {item: i for i, item in enumerate(items)}
        self.item_vectors = item_vectors
        self.scored = {action: i for i, action in enumerate(scored)}
        self.weights, self.bias, self.history_weights = weights, bias, history_weights
        self.taken = taken  # TAKEN interactions per action at training: the order "without personalization"

    def may_recommend(self, action_id: str) -> bool:
        """Whether the action is one it trained with, or one added since (which it explores)."""
        return action_id in self.considered or action_id not in self.known

    def tastes(self, items: Iterable[str]) -> np.ndarray:
        return tastes(self.item_index, self.item_vectors, items)

    def scores(
        self, items: Iterable[str], history: Iterable[tuple[str, str | None]], action_ids: Iterable[str]
    ) -> dict[str, float]:
        """The propensity of each action for a user who chose `items` and whose action interactions are `history`
        (action id, event type); 0.0 for the actions it does not score."""
        counts: dict[str, np.ndarray] = {}
        for action, event_type in history:
            kind = action_event_type(event_type)
            if kind is not None:
                counts.setdefault(action, np.zeros(len(HISTORY)))[HISTORY.index(kind)] += 1
        taste = self.tastes(items)
        out = {}
        for action in action_ids:
            row = self.scored.get(action)
            if row is None:
                out[action] = 0.0
                continue
            logit = self.weights[row] @ taste + self.bias[row]
            logit += self.history_weights @ np.log1p(counts.get(action, np.zeros(len(HISTORY))))
            out[action] = float(1.0 / (1.0 + np.exp(-logit)))
        return out

    def order(self, scores: dict[str, float], values: dict[str, float]) -> list[str]:
        """The actions of `scores` best first: score, then value, then how often taken, then id."""
        return sorted(scores, key=lambda a: (-scores[a], -values.get(a, 0.0), -self.taken.get(a, 0), a))


class NextBestAction(Recipe):
    name = "aws-next-best-action"
    recipe_type = PERSONALIZED_ACTIONS

    def hyperparameters(self, requested: dict[str, str]) -> dict[str, str]:
        return resolve(self.name, HYPERPARAMETERS, requested)

    def train(self, data: TrainingData, config: TrainingConfig, previous: Model | None = None) -> NextBestActionModel:
        if data.actions is None or not len(data.actions):
            raise TrainingFailed(
                "Next-Best-Action needs an Actions dataset with actions in it; import actions or put them with "
                "PutActions."
            )
        values = parse_all(HYPERPARAMETERS, self.hyperparameters(config.hyperparameters))
        events = _events(data.action_interactions, set(data.actions["ACTION_ID"]))
        considered = _considered(data.actions, events)
        events = events[events["ACTION_ID"].isin(considered)]
        items, item_vectors = _item_vectors(data.interactions, config.seed)
        index = {item: i for i, item in enumerate(items)}
        scored = _scored(events)
        users = {
            str(user): tastes(index, item_vectors, chosen)
            for user, chosen in data.interactions.groupby("USER_ID")["ITEM_ID"]
        }
        period = int(values["action_optimization_period"]) * DAY
        weights, bias, history_weights = _fit(events[events["ACTION_ID"].isin(scored)], scored, users, period)
        taken = events.loc[events["KIND"] == TAKEN, "ACTION_ID"].value_counts()
        return NextBestActionModel(
            considered,
            list(data.actions["ACTION_ID"]),
            items,
            item_vectors,
            scored,
            weights,
            bias,
            history_weights,
            {str(action): int(count) for action, count in taken.items()},
        )


def tastes(index: dict[str, int], vectors: np.ndarray, items: Iterable[str]) -> np.ndarray:
    """A user's place among items: the unit mean of the vectors of the items they chose (zeros for none)."""
    rows = [index[i] for i in items if i in index]
    if not rows:
        return np.zeros(vectors.shape[1])
    return unit_rows(vectors[rows].mean(axis=0, keepdims=True))[0]


def _events(frame: pd.DataFrame | None, actions: set[str]) -> pd.DataFrame:
    """The action interactions of known actions with a known event type, oldest first, with `KIND` the type."""
    if frame is None or not len(frame):
        return pd.DataFrame(columns=["USER_ID", "ACTION_ID", "TIMESTAMP", "KIND"])
    events = frame[["USER_ID", "ACTION_ID", "TIMESTAMP"]].assign(KIND=frame["EVENT_TYPE"].map(action_event_type))
    events = events[events["KIND"].notna() & events["ACTION_ID"].isin(actions)]
    return events.assign(TIMESTAMP=events["TIMESTAMP"].astype("int64")).sort_values("TIMESTAMP", kind="stable")


def _considered(actions: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """At most MAX_ACTIONS actions, the most recently active first: new ones by their creation time, others by
    their latest interaction."""
    latest = events.groupby("ACTION_ID")["TIMESTAMP"].max()
    created = actions.set_index("ACTION_ID").get("CREATION_TIMESTAMP")
    recent = {}
    for action in actions["ACTION_ID"]:
        when = latest.get(action)
        if when is None and created is not None and not pd.isna(created.get(action)):
            when = created.get(action)
        recent[action] = float("inf") if when is None else float(when)  # no data at all: new
    return sorted(recent, key=lambda a: (-recent[a], a))[:MAX_ACTIONS]


def _scored(events: pd.DataFrame) -> list[str]:
    """The actions with enough recent TAKEN and NOT_TAKEN/VIEWED interactions to be scored."""
    if not len(events):
        return []
    recent = events[events["TIMESTAMP"] >= events["TIMESTAMP"].max() - SCORING_SPAN]
    taken = recent[recent["KIND"] == TAKEN]["ACTION_ID"].value_counts()
    other = recent[recent["KIND"] != TAKEN]["ACTION_ID"].value_counts()
    return sorted(a for a in taken.index if taken[a] >= MIN_TAKEN and other.get(a, 0) >= MIN_NOT_TAKEN)


def _item_vectors(interactions: pd.DataFrame, seed: int) -> tuple[list[str], np.ndarray]:
    """Unit vectors of the items whose dot products follow who chose both."""
    pairs = interactions[["ITEM_ID", "USER_ID"]].drop_duplicates()
    items, item_codes = np.unique(pairs["ITEM_ID"].to_numpy(dtype=object), return_inverse=True)
    users, user_codes = np.unique(pairs["USER_ID"].to_numpy(dtype=object), return_inverse=True)
    shape = (len(items), len(users))
    vectors = row_embeddings(item_codes, user_codes, np.ones(len(pairs)), shape, TASTE_DIMENSION, seed)
    return [str(i) for i in items], unit_rows(vectors)


def _fit(
    events: pd.DataFrame, scored: list[str], users: dict[str, np.ndarray], period: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scored actions' weights on tastes, their biases, and the weights on history, fitted on every interaction
    with them (see the module's docstring); zeros when none is scored."""
    dimension = len(next(iter(users.values()))) if users else TASTE_DIMENSION
    if not scored:
        return np.zeros((0, dimension)), np.zeros(0), np.zeros(len(HISTORY))
    import torch  # loaded on the first training only

    events = events.reset_index(drop=True)
    pair = [events["USER_ID"], events["ACTION_ID"]]
    is_kind = {kind: (events["KIND"] == kind).astype(int) for kind in HISTORY}
    # the user's interactions with the action before this one, by type
    before = np.column_stack([is_kind[kind].groupby(pair).cumsum() - is_kind[kind] for kind in HISTORY])
    # the user took the action then, or within the period after
    taken_at = events["TIMESTAMP"].astype("float64").where(events["KIND"] == TAKEN, np.inf)
    latest_first = [column.iloc[::-1] for column in pair]
    next_taken = taken_at.iloc[::-1].groupby(latest_first).cummin().reindex(events.index)  # taken then or after
    label = (next_taken <= events["TIMESTAMP"] + period).to_numpy(dtype=np.float32)
    zero = np.zeros(dimension)
    taste = np.stack([users.get(user, zero) for user in events["USER_ID"]]).astype(np.float32)
    row = events["ACTION_ID"].map({a: i for i, a in enumerate(scored)}).to_numpy(dtype=np.int64)

    x, history, rows, y = (torch.tensor(a) for a in (taste, np.log1p(before).astype(np.float32), row, label))
    weights = torch.zeros(len(scored), dimension, requires_grad=True)
    bias = torch.zeros(len(scored), requires_grad=True)
    history_weights = torch.zeros(len(HISTORY), requires_grad=True)
    optimizer = torch.optim.LBFGS([weights, bias, history_weights], max_iter=100, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimizer.zero_grad()
        logits = (weights[rows] * x).sum(1) + bias[rows] + history @ history_weights
        # a standard normal prior on the weights (not the biases): propensities stay short of 0 and 1 on data
        # that separates, and the prior weighs less as the interactions grow
        penalty = (weights.pow(2).sum() + history_weights.pow(2).sum()) / (2 * len(y))
        value = torch.nn.functional.binary_cross_entropy_with_logits(logits, y) + penalty
        value.backward()
        return value

    optimizer.step(loss)
    return tuple(t.detach().numpy().astype(np.float64) for t in (weights, bias, history_weights))  # type: ignore[return-value]
