"""A trained User-Personalization solution version: per-user states, scores, exploration, real-time updates."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from personalize_emulator.recipes.base import Model
from personalize_emulator.recipes.user_personalization.bptt import Tables, one_thread, resolve_device
from personalize_emulator.recipes.user_personalization.config import NetworkConfig
from personalize_emulator.recipes.user_personalization.exploration import Exposure, explore
from personalize_emulator.recipes.user_personalization.features import (
    SESSION_GAP,
    ItemFeatures,
    StepCodes,
    UserFeatures,
)
from personalize_emulator.recipes.user_personalization.network import HRNN

_scored_together = threading.local()  # this thread's open `scoring_together`: the model and its rows


@dataclass
class UserState:
    session: torch.Tensor
    user: torch.Tensor
    last_time: float | None


class UserPersonalizationModel(Model):
    """Scores are a softmax over the catalogue, as AWS returns them for this recipe."""

    recommendable: np.ndarray | None = None
    """Per catalogue index, whether it may be recommended (HRNN-Coldstart: its cold items); None: all."""
    forgotten: frozenset[int] = frozenset()
    """The indices of users a data deletion job removed: they start again from the state of a user never seen."""

    def __init__(
        self,
        network: HRNN,
        tables: Tables,
        catalogue: ItemFeatures,
        people: UserFeatures,
        codes: StepCodes,
        states: dict[int, UserState],
        exposure: Exposure,
        config: NetworkConfig,
        losses: list[float],
    ):
        self.network, self.tables, self.catalogue, self.people, self.codes = network, tables, catalogue, people, codes
        self.states, self.exposure, self.config, self.losses = states, exposure, config, losses
        self._lock = threading.Lock()
        self._metadata_rows = len(people.index) + 1  # users known when the tables were built
        with torch.no_grad():
            self.item_vectors = tables.item_vectors(network)
            # A request's two products run on this thread alone (`one_thread`): NumPy's BLAS and PyTorch's
            # default both split them over two threads, and a request then waits whenever the other core is busy.
            self._bias = network.item_bias.weight[:, 0].clone()
            self._head_weight = network.head.weight.clone()
            self._head_bias = network.head.bias.clone()
            self._context_out = [cast(nn.Embedding, e).weight.clone() for e in network.context_out]

    # -- state -----------------------------------------------------------------------------------------
    def _state(self, user_id: str | None) -> UserState:
        index = self.people.index.get(user_id, 0) if user_id is not None else 0
        state = self.states.get(index)
        if state is None:
            with torch.no_grad():
                row = index if index < self._metadata_rows and index not in self.forgotten else 0
                session, user = self.tables.first_state(self.network, torch.tensor([row]))
            state = UserState(session, user, None)
        return state

    def logits(self, user_id: str | None, context: dict[str, str] | None = None) -> np.ndarray:
        """The network's logit of each catalogue index being the user's next item (index 0: -inf)."""
        key = (user_id, tuple(self.codes.context_indices(context)))
        if getattr(_scored_together, "model", None) is self and key in _scored_together.rows:
            return _scored_together.rows[key].copy()
        state = self._state(user_id)
        with one_thread(), torch.no_grad():
            joined = torch.cat([state.session[0], state.user[0]])
            query = torch.addmv(self._head_bias, self._head_weight, joined)  # HRNN.query, in evaluation mode
            for table, index in zip(self._context_out, key[1]):
                query = query + table[index]
            logits = torch.addmv(self._bias, self.item_vectors, query).numpy()
        logits[0] = -np.inf
        return logits

    @contextmanager
    def scoring_together(
        self, requests: Sequence[tuple[str | None, dict[str, str] | None]], device: str
    ) -> Iterator[None]:
        """The requests' logits in one matrix product, on `device` (a GPU when there is one), for this thread's
        calls until the block ends: a batch inference job scores its lines so, a chunk at a time."""
        keys = list(dict.fromkeys((user, tuple(self.codes.context_indices(context))) for user, context in requests))
        if not keys:
            yield
            return
        on = resolve_device(device)
        with one_thread(), torch.no_grad():
            states = [self._state(user) for user, _ in keys]
            joined = torch.cat([torch.cat([s.session, s.user], 1) for s in states]).to(on)
            query = torch.addmm(self._head_bias.to(on), joined, self._head_weight.to(on).T)
            indices = torch.as_tensor([list(contexts) for _, contexts in keys], dtype=torch.long, device=on)
            for j, table in enumerate(self._context_out):
                query = query + table.to(on)[indices[:, j]]
            logits = torch.addmm(self._bias.to(on), query, self.item_vectors.to(on).T).cpu().numpy()
        logits[:, 0] = -np.inf
        _scored_together.model, _scored_together.rows = self, dict(zip(keys, logits))
        try:
            yield
        finally:
            _scored_together.model, _scored_together.rows = None, {}

    def relevance(self, user_id: str | None, context: dict[str, str] | None = None) -> np.ndarray:
        """The model's probability of each catalogue index being the user's next item (index 0 gets none)."""
        return _softmax(self.logits(user_id, context))

    # -- the runtime -----------------------------------------------------------------------------------
    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        scores = self.relevance(user_id, context)
        allowed = scores > 0
        if self.recommendable is not None:
            allowed &= self.recommendable
        if exclude:
            allowed[[self.catalogue.index[i] for i in exclude if i in self.catalogue.index]] = False
        candidates = np.flatnonzero(allowed)
        wanted = min(num_results, len(candidates))
        # twice as deep as asked: exploration may move up to `wanted` items out of the relevance list
        depth = min(2 * wanted, len(candidates))
        top = candidates[np.argpartition(-scores[candidates], depth - 1)[:depth]] if depth else candidates[:0]
        ranking = top[np.argsort(-scores[top], kind="stable")]
        weight = float((exploration or {}).get("explorationWeight", 0))
        if weight > 0 and rng is not None:
            cutoff = float(exploration.get("explorationItemAgeCutOff", 30))
            ranking = explore(ranking, scores, wanted, weight, cutoff, self.exposure, rng, allowed)
        return [(self.catalogue.ids[i], float(scores[i])) for i in ranking[:wanted]]

    def rank(self, user_id, item_ids, context=None):
        """Scores sum to 1 over the ranked items, as AWS computes them for Personalized-Ranking: the softmax
        restricted to the input list. Items without interactions in the training are left out (AWS returns
        them unscored, after the others)."""
        chosen = self.exposure.chosen
        known = [i for i in dict.fromkeys(item_ids) if chosen[self.catalogue.index.get(i, 0)] > 0]
        if not known:
            return []
        logits = self.logits(user_id, context)
        shares = _softmax(logits[[self.catalogue.index[i] for i in known]])
        order = np.argsort(-shares, kind="stable")
        return [(known[k], float(shares[k])) for k in order]

    def knows_item(self, item_id: str) -> bool:
        return item_id in self.catalogue.index

    def item_ids(self) -> list[str]:
        ids = self.catalogue.ids[1:]  # index 0 is the padding item
        if self.recommendable is None:
            return list(ids)
        return [item for item, ok in zip(ids, self.recommendable[1:]) if ok]

    def observe(self, rows: list[dict[str, Any]]) -> None:
        """Advance users' states by new interactions (PutEvents), without retraining."""
        with self._lock, torch.no_grad():
            for row in sorted(rows, key=lambda r: r.get("TIMESTAMP") or 0):
                user_id: str = row["USER_ID"]  # every interaction record has one
                index = self.people.index.setdefault(user_id, len(self.people.index) + 1)
                state = self._state(user_id) if index not in self.states else self.states[index]
                time_ = float(row.get("TIMESTAMP") or 0)
                session, user = state.session, state.user
                if state.last_time is not None and time_ - state.last_time > SESSION_GAP:
                    session, user = self.network.new_session(session, user)
                item = torch.tensor([self.catalogue.index.get(row.get("ITEM_ID") or "", 0)])
                event = torch.as_tensor(self.codes.event_types.lookup([row.get("EVENT_TYPE")]))
                raw = row.get("EVENT_VALUE")
                value = torch.tensor(
                    [0.0 if raw is None else (float(raw) - self.codes.value_mean) / self.codes.value_scale]
                )
                contexts = torch.as_tensor(self.codes.context_indices(row))[None]
                x = self.network.step_inputs(self.item_vectors, item, event, value, contexts)
                session = self.network.session_step(x, session)
                self.states[index] = UserState(session, user, time_)

    def forget(self, user_ids, item_ids) -> None:
        """Drop the users' states and their metadata row: their history, streamed or trained on, is gone."""
        super().forget(user_ids, item_ids)
        with self._lock:
            indices = {self.people.index[u] for u in user_ids if u in self.people.index}
            for index in indices:
                self.states.pop(index, None)
            self.forgotten = self.forgotten | indices


def _softmax(logits: np.ndarray) -> np.ndarray:
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()
