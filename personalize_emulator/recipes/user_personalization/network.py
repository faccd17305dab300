"""The hierarchical recurrent network (after Quadrana et al. 2017, "Personalizing Session-based
Recommendations with Hierarchical Recurrent Neural Networks").

A session GRU reads each step (item, its metadata, event type and value, context). When a session ends, a
user GRU folds the session's last state into the user's state, and the next session starts from the user
state. Users metadata sets the user's first state. The prediction for the next step joins both states with
the context of the step to come, and is scored against an item side that adds an ID embedding to a metadata
embedding, so an item with metadata and no interactions still scores by what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import torch
from torch import nn

DROPOUT = 0.2
INIT_STD = 0.1
ITEM_STD = 0.5


@dataclass(frozen=True)
class Shape:
    """Sizes of the inputs, from the features, and the width of the network."""

    items: int
    item_bags: tuple[int, ...]
    item_numbers: int
    event_types: int
    contexts: tuple[int, ...]
    user_bags: tuple[int, ...]
    user_numbers: int
    hidden: int


def _embedding(size: int, width: int, padding_idx: int | None = None, std: float | None = None) -> nn.Embedding:
    """Embeddings of side inputs start small, so none (a constant event type, say) drowns the items at first."""
    embedding = nn.Embedding(size, width, padding_idx=padding_idx)
    nn.init.normal_(embedding.weight, std=INIT_STD if std is None else std)
    if padding_idx is not None:
        with torch.no_grad():
            embedding.weight[padding_idx].zero_()
    return embedding


class Bag(nn.Module):
    """Sum of the embeddings of a multi-hot field (index 0 adds nothing)."""

    def __init__(self, size: int, width: int):
        super().__init__()
        self.embedding = _embedding(size, width, padding_idx=0)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.embedding(tokens).sum(-2)


class HRNN(nn.Module):
    def __init__(self, shape: Shape):
        super().__init__()
        width = shape.hidden
        self.shape = shape
        self.item_id = _embedding(shape.items, width, padding_idx=0, std=ITEM_STD)
        self.item_bias = nn.Embedding(shape.items, 1)
        nn.init.zeros_(self.item_bias.weight)
        self.item_bags = nn.ModuleList(Bag(size, width) for size in shape.item_bags)
        self.item_numbers = nn.Linear(shape.item_numbers, width) if shape.item_numbers else None
        self.event_type = _embedding(max(shape.event_types, 1), width)
        self.event_value = nn.Linear(1, width, bias=False)
        self.context_in = nn.ModuleList(_embedding(size, width) for size in shape.contexts)
        self.context_out = nn.ModuleList(_embedding(size, width) for size in shape.contexts)
        self.user_bags = nn.ModuleList(Bag(size, width) for size in shape.user_bags)
        self.user_numbers = nn.Linear(shape.user_numbers, width) if shape.user_numbers else None
        self.user_start = nn.Linear(width, width)
        self.session_start = nn.Linear(width, width)
        self.session_gru = nn.GRU(width, width, batch_first=True)
        self.user_cell = nn.GRUCell(width, width)
        self.head = nn.Linear(2 * width, width)

    @property
    def device(self) -> torch.device:
        return self.item_id.weight.device

    # -- the item side ---------------------------------------------------------------------------------
    def item_vectors(
        self, bags: list[torch.Tensor], numbers: torch.Tensor | None, id_keep: torch.Tensor | None = None
    ) -> torch.Tensor:
        """One vector per item: ID embedding (dropped where `id_keep` is 0, in training) plus metadata."""
        ids = self.item_id.weight
        if id_keep is not None:
            ids = ids * id_keep[:, None]
        vectors = ids
        for bag, tokens in zip(self.item_bags, bags):
            vectors = vectors + bag(tokens)
        if self.item_numbers is not None and numbers is not None:
            vectors = vectors + self.item_numbers(numbers)
        return vectors

    # -- the user side ---------------------------------------------------------------------------------
    def first_state(
        self, bags: list[torch.Tensor], numbers: torch.Tensor | None, count: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Session and user states before a user's first interaction, from Users metadata."""
        base = torch.zeros(count, self.shape.hidden, device=self.device)
        for bag, tokens in zip(self.user_bags, bags):
            base = base + bag(tokens)
        if self.user_numbers is not None and numbers is not None:
            base = base + self.user_numbers(numbers)
        user = torch.tanh(self.user_start(base))
        return torch.tanh(self.session_start(user)), user

    # -- the sequence ----------------------------------------------------------------------------------
    def step_inputs(
        self,
        item_vecs: torch.Tensor,
        items: torch.Tensor,
        events: torch.Tensor,
        values: torch.Tensor,
        contexts: torch.Tensor,
    ) -> torch.Tensor:
        x = item_vecs[items] + self.event_type(events) + self.event_value(values.unsqueeze(-1))
        for j, embedding in enumerate(self.context_in):
            x = x + embedding(contexts[..., j])
        return x

    def session_step(self, x: torch.Tensor, session: torch.Tensor) -> torch.Tensor:
        """One step of the session GRU (the same weights as `session_gru`, one step at a time)."""
        gru = self.session_gru
        weights = [cast(torch.Tensor, w) for w in (gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0)]
        return torch.gru_cell(x, session, *weights)

    def new_session(self, last_session: torch.Tensor, user: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A session ended: fold it into the user's state, and start the next session from that state."""
        user = self.user_cell(last_session, user)
        return torch.tanh(self.session_start(user)), user

    def read_session(self, inputs: torch.Tensor, session: torch.Tensor, user: torch.Tensor) -> torch.Tensor:
        """Steps [batch, steps] of one session each (padding at the end); the joined states after each step."""
        outputs, _ = self.session_gru(inputs, session.unsqueeze(0))
        return torch.cat([outputs, user.unsqueeze(1).expand(-1, inputs.shape[1], -1)], -1)

    def query(self, joined: torch.Tensor, next_contexts: torch.Tensor) -> torch.Tensor:
        """The vector scored against items: the joined states, and the context of the step being predicted."""
        if self.training:  # one dropout mask per row for all its steps: as regular, and far fewer random draws
            # (drawn on the CPU whatever the device, so that a seed draws the same masks on a GPU)
            keep = (torch.rand(joined.shape[0], *([1] * (joined.dim() - 2)), joined.shape[-1]) > DROPOUT).float()
            joined = joined * keep.to(joined.device) / (1 - DROPOUT)
        q = self.head(joined)
        for j, embedding in enumerate(self.context_out):
            q = q + embedding(next_contexts[..., j])
        return q
