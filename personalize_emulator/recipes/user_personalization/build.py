"""FULL and UPDATE training of the User-Personalization network, from frames to a servable model.

A FULL training prepares the features once, from all the data, so that the network trained on the metrics split
and the network deployed are one network: it trains on the split, is measured, then carries on with what the
split left out (`SplitRun`). HPO's candidates share the prepared features.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import torch

from personalize_emulator.recipes.base import Model, Split, SplitTraining, TrainingData
from personalize_emulator.recipes.user_personalization.bptt import (
    Fit,
    Tables,
    one_thread,
    read_histories,
    resolve_device,
)
from personalize_emulator.recipes.user_personalization.config import NetworkConfig
from personalize_emulator.recipes.user_personalization.exploration import exposure
from personalize_emulator.recipes.user_personalization.features import (
    ItemFeatures,
    Sequences,
    StepCodes,
    UserFeatures,
    build_item_features,
    build_sequences,
    build_step_codes,
    build_user_features,
)
from personalize_emulator.recipes.user_personalization.model import UserPersonalizationModel, UserState
from personalize_emulator.recipes.user_personalization.network import HRNN, Shape

Restrict = Callable[[UserPersonalizationModel, TrainingData], Model]
"""What a recipe does to a trained model before it serves, given the data it serves (HRNN-Coldstart keeps only
the cold items of that data)."""


def tables_for(catalogue: ItemFeatures, people: UserFeatures) -> Tables:
    def numbers(matrix: np.ndarray) -> torch.Tensor | None:
        return torch.as_tensor(matrix) if matrix.shape[1] else None

    return Tables(
        [torch.as_tensor(m) for m in catalogue.bags.matrices],
        numbers(catalogue.numbers.matrix),
        [torch.as_tensor(m) for m in people.bags.matrices],
        numbers(people.numbers.matrix),
    )


def shape_for(catalogue: ItemFeatures, people: UserFeatures, codes, hidden: int) -> Shape:
    return Shape(
        items=len(catalogue),
        item_bags=tuple(catalogue.bags.sizes()),
        item_numbers=catalogue.numbers.matrix.shape[1],
        event_types=len(codes.event_types),
        contexts=tuple(len(v) for v in codes.context_vocabs),
        user_bags=tuple(people.bags.sizes()),
        user_numbers=people.numbers.matrix.shape[1],
        hidden=hidden,
    )


def final_states(network: HRNN, tables: Tables, seq: Sequences, runs: np.ndarray | None = None) -> dict[int, UserState]:
    """The state of the users of `runs` (default: all, those who did not train included) after their history."""
    runs = np.arange(len(seq.offsets) - 1) if runs is None else runs
    with torch.no_grad():
        session, user, _ = read_histories(network, tables, seq, runs, tables.item_vectors(network))
    last = seq.times[seq.offsets[1:] - 1] if len(seq.times) else []
    return {
        int(seq.run_users[k]): UserState(session[k : k + 1].clone(), user[k : k + 1].clone(), float(last[k]))
        for k in runs
    }


@dataclass
class Prepared(Split):
    """A split with its features, built once from the full data (vocabularies, the catalogue, standardisation),
    and each part's sequences."""

    catalogue: ItemFeatures
    people: UserFeatures
    codes: StepCodes
    train_seq: Sequences
    full_seq: Sequences
    named: np.ndarray | None
    """Per catalogue index, whether the split's data names the item (a model trained on the split alone would
    know of no other); None when it names them all."""


@one_thread()
def prepare(split: Split, text: bool) -> Prepared:
    full = split.full
    catalogue = build_item_features(full.interactions, full.items, full.schemas.get("ITEMS"), text=text)
    people = build_user_features(full.interactions, full.users, full.schemas.get("USERS"))
    codes = build_step_codes(full.interactions, full.schemas.get("INTERACTIONS"))
    full_seq = build_sequences(full.interactions, catalogue, people, codes)
    if split.train is full:
        return Prepared(full, full, catalogue, people, codes, full_seq, full_seq, None)
    train_seq = build_sequences(split.train.interactions, catalogue, people, codes)
    named = np.zeros(len(catalogue), dtype=bool)
    named[[catalogue.index[item] for item in split.train.catalogue()]] = True
    return Prepared(
        split.train, full, catalogue, people, codes, train_seq, full_seq, None if named[1:].all() else named
    )


class SplitRun(SplitTraining):
    """One network: trained on the split, measured, then carried on with the interactions the split left out."""

    @one_thread()
    def __init__(
        self,
        prepared: Prepared,
        config: NetworkConfig,
        device: str,
        label: str,
        restrict: Restrict,
        interrupt: Callable[[], None],
    ):
        self.prepared, self.config, self.restrict = prepared, config, restrict
        tables = tables_for(prepared.catalogue, prepared.people)
        torch.manual_seed(config.seed)  # the initial weights too come from the seed
        network = HRNN(shape_for(prepared.catalogue, prepared.people, prepared.codes, config.hidden))
        then = None if prepared.full_seq is prepared.train_seq else prepared.full_seq
        self.fit = Fit(network, tables, prepared.train_seq, config, label, then, resolve_device(device), interrupt)

    @one_thread()
    def advance(self, until: float) -> None:
        self.fit.advance(until)

    @one_thread()
    def measured(self, users: Collection[str]) -> Model:
        seq, index = self.prepared.train_seq, self.prepared.people.index
        wanted = np.isin(seq.run_users, [index[user] for user in users if user in index])
        model = self._model(seq, np.flatnonzero(wanted))
        if self.prepared.named is not None:
            model.recommendable = self.prepared.named
        return self.restrict(model, self.prepared.train)

    @one_thread()
    def finish(self) -> Model:
        self.fit.carry_on()
        return self.restrict(self._model(self.prepared.full_seq), self.prepared.full)

    def _model(self, seq: Sequences, runs: np.ndarray | None = None) -> UserPersonalizationModel:
        network, tables = self.fit.on_cpu()
        network.eval()
        p = self.prepared
        states = final_states(network, tables, seq, runs)
        return UserPersonalizationModel(
            network, tables, p.catalogue, p.people, p.codes, states, exposure(seq, p.catalogue), self.config,
            list(self.fit.losses),
        )  # fmt: skip


@one_thread()
def update(previous: UserPersonalizationModel, data: TrainingData) -> UserPersonalizationModel:
    """The previous network over the current data: new items and users join, states and exposure are re-read."""
    catalogue = build_item_features(
        data.interactions, data.items, data.schemas.get("ITEMS"), previous.catalogue, previous.config.text
    )
    people = build_user_features(data.interactions, data.users, data.schemas.get("USERS"), previous.people)
    codes = build_step_codes(data.interactions, data.schemas.get("INTERACTIONS"), previous.codes)
    seq = build_sequences(data.interactions, catalogue, people, codes)
    tables = tables_for(catalogue, people)
    network = HRNN(shape_for(catalogue, people, codes, previous.config.hidden))
    grow(previous.network, network)
    network.eval()
    states = final_states(network, tables, seq)
    return UserPersonalizationModel(
        network, tables, catalogue, people, codes, states, exposure(seq, catalogue), previous.config, previous.losses
    )


def grow(old: HRNN, new: HRNN) -> None:
    """Copy `old`'s weights into `new`, whose tables may have more rows (new items, tokens, values): those rows
    start at zero, so a new item is scored by its metadata alone and a new token adds nothing yet."""
    source = old.state_dict()
    with torch.no_grad():
        for name, tensor in new.state_dict().items():
            before = source.get(name)
            if before is None:
                continue
            if before.shape == tensor.shape:
                tensor.copy_(before)
            elif before.shape[1:] == tensor.shape[1:] and before.shape[0] <= tensor.shape[0]:
                tensor.zero_()
                tensor[: before.shape[0]].copy_(before)
