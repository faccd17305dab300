"""FULL and UPDATE training of the User-Personalization network, from frames to a servable model."""

from __future__ import annotations

import numpy as np
import torch

from personalize_emulator.recipes.base import Model, TrainingData
from personalize_emulator.recipes.user_personalization.bptt import Tables, fit, read_histories
from personalize_emulator.recipes.user_personalization.config import NetworkConfig
from personalize_emulator.recipes.user_personalization.exploration import exposure
from personalize_emulator.recipes.user_personalization.features import (
    ItemFeatures,
    Sequences,
    UserFeatures,
    build_item_features,
    build_sequences,
    build_step_codes,
    build_user_features,
)
from personalize_emulator.recipes.user_personalization.model import UserPersonalizationModel, UserState
from personalize_emulator.recipes.user_personalization.network import HRNN, Shape


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


def final_states(network: HRNN, tables: Tables, seq: Sequences) -> dict[int, UserState]:
    """Every user's state after their whole history (the users who did not train included)."""
    runs = np.arange(len(seq.offsets) - 1)
    with torch.no_grad():
        session, user = read_histories(network, tables, seq, runs, tables.item_vectors(network))
    last = seq.times[seq.offsets[1:] - 1] if len(seq.times) else []
    return {
        int(seq.run_users[k]): UserState(session[k : k + 1].clone(), user[k : k + 1].clone(), float(last[k]))
        for k in runs
    }


def train(data: TrainingData, config: NetworkConfig, mode: str, previous: Model | None) -> UserPersonalizationModel:
    """A FULL version trains the network anew; an UPDATE version grows the previous one over the current data."""
    if mode == "UPDATE" and isinstance(previous, UserPersonalizationModel):
        return update(previous, data)
    return train_full(data, config)


def train_full(data: TrainingData, config: NetworkConfig) -> UserPersonalizationModel:
    catalogue = build_item_features(data.interactions, data.items, data.schemas.get("ITEMS"), text=config.text)
    people = build_user_features(data.interactions, data.users, data.schemas.get("USERS"))
    codes = build_step_codes(data.interactions, data.schemas.get("INTERACTIONS"))
    seq = build_sequences(data.interactions, catalogue, people, codes)
    tables = tables_for(catalogue, people)
    torch.manual_seed(config.seed)  # the initial weights too come from the seed
    network = HRNN(shape_for(catalogue, people, codes, config.hidden))
    popularity = np.bincount(seq.items, minlength=len(catalogue))
    losses = fit(network, tables, seq, config, popularity)
    states = final_states(network, tables, seq)
    return UserPersonalizationModel(
        network, tables, catalogue, people, codes, states, exposure(seq, catalogue), config, losses
    )


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
