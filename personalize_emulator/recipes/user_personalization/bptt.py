"""Training the network: truncated back-propagation through time over windows of `bptt` steps.

The windows of all users train as independent rows of batches, which keeps the recurrent loop short (bptt steps)
and the matrix products wide; a window starts from the state its predecessor ended in the epoch before (zero in
the first epoch), so no epoch pays for a pass over every history. Item-ID embeddings start from an SVD of who
chose what. The loss is a softmax over the true next item against the whole catalogue (up to 20,000 items; beyond,
negatives sampled by popularity with the log-Q correction) and the items shown with it and not chosen
(impressions), weighted towards recent interactions when `recency_mask` is on.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from personalize_emulator.recipes.user_personalization.config import NetworkConfig
from personalize_emulator.recipes.user_personalization.features import Sequences
from personalize_emulator.recipes.user_personalization.network import HRNN, ITEM_STD

log = logging.getLogger("personalize_emulator.training")

IMPRESSION_NEGATIVES = 8
RECENCY_FLOOR = 0.5
USER_DROPOUT = 0.1  # share of histories started as a user without a Users record, so that start is trained too
CONTEXT_DROPOUT = 0.2
ID_DROPOUT = 0.25  # share of items seen by their metadata alone in a batch, when they have metadata
TARGET_POSITIONS = 400_000  # positions seen over all epochs: the epoch count scales inversely with the data
MIN_EPOCHS, MAX_EPOCHS = 3, 30
WARMUP = 0.3  # share of the steps over which the one-cycle schedule climbs to the learning rate


@dataclass
class Tables:
    """Item and user metadata as tensors, fixed for a training run."""

    item_bags: list[torch.Tensor]
    item_numbers: torch.Tensor | None
    user_bags: list[torch.Tensor]
    user_numbers: torch.Tensor | None

    def item_vectors(self, network: HRNN, id_keep: torch.Tensor | None = None) -> torch.Tensor:
        return network.item_vectors(self.item_bags, self.item_numbers, id_keep)

    def first_state(self, network: HRNN, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        bags = [b[users] for b in self.user_bags]
        numbers = self.user_numbers[users] if self.user_numbers is not None else None
        return network.first_state(bags, numbers, len(users))


def training_runs(seq: Sequences, config: NetworkConfig) -> np.ndarray:
    """The user runs that train: two or more steps, and a length within the percentile bounds."""
    lengths = np.diff(seq.offsets)
    low = np.quantile(lengths, config.min_percentile) if config.min_percentile > 0 else 0
    high = np.quantile(lengths, config.max_percentile) if config.max_percentile < 1 else lengths.max()
    return np.flatnonzero((lengths >= 2) & (lengths >= low) & (lengths <= high))


FIRST, OPENS, CONTINUES = 0, 1, 2  # how a window begins: a user's first step, a new session, mid-session


@dataclass
class Windows:
    """Training windows: up to `bptt` input steps of one session of one run (each with a next step to predict)."""

    runs: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    kinds: np.ndarray

    def __len__(self) -> int:
        return len(self.runs)


def cut_windows(seq: Sequences, runs: np.ndarray, bptt: int) -> Windows:
    out: list[tuple[int, int, int, int]] = []
    for run in runs:
        first, last = int(seq.offsets[run]), int(seq.offsets[run + 1]) - 1  # the last step has nothing to predict
        step = first
        while step < last:
            kind = FIRST if step == first else OPENS if seq.session_start[step] else CONTINUES
            end = min(step + bptt, last)
            opens = np.flatnonzero(seq.session_start[step + 1 : end]) if end > step + 1 else []
            if len(opens):
                end = step + 1 + int(opens[0])
            out.append((int(run), step - first, end - step, kind))
            step = end
    table = np.array(out, dtype=np.int64).reshape(-1, 4)
    return Windows(*table.T)


def read_histories(
    network: HRNN, tables: Tables, seq: Sequences, runs: np.ndarray, item_vecs: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Read the histories of `runs` without gradients, a step at a time; the final session and user states per
    run (indexed by run), from which serving starts."""
    hidden = network.shape.hidden
    runs = np.asarray(runs)
    lengths = np.diff(seq.offsets)[runs]
    order = np.argsort(-lengths, kind="stable")
    runs, lengths = runs[order], lengths[order]
    count = len(seq.offsets) - 1
    final_session, final_user = torch.zeros(count, hidden), torch.zeros(count, hidden)
    longest = int(lengths[0]) if len(lengths) else 0
    with torch.no_grad():
        session, user = tables.first_state(network, torch.as_tensor(seq.run_users[runs]))
        for t in range(longest):
            n = int((lengths > t).sum())
            steps = seq.offsets[runs[:n]] + t
            opens = torch.as_tensor(seq.session_start[steps])
            if bool(opens.any()):
                folded_session, folded_user = network.new_session(session[:n], user[:n])
                session[:n] = torch.where(opens[:, None], folded_session, session[:n])
                user[:n] = torch.where(opens[:, None], folded_user, user[:n])
            x = step_inputs(network, seq, steps, item_vecs)
            session[:n] = network.session_step(x, session[:n])
        final_session[runs], final_user[runs] = session, user
    return final_session, final_user


def step_inputs(network: HRNN, seq: Sequences, idx: np.ndarray, item_vecs: torch.Tensor) -> torch.Tensor:
    return network.step_inputs(
        item_vecs,
        torch.as_tensor(seq.items[idx]),
        torch.as_tensor(seq.events[idx]),
        torch.as_tensor(seq.values[idx]),
        torch.as_tensor(seq.contexts[idx]),
    )


_deterministic_lock = threading.Lock()
_deterministic_users = 0
_deterministic_before = False


@contextmanager
def deterministic_kernels() -> Iterator[None]:
    """PyTorch's deterministic kernels while any training runs. With more than one thread, the default CPU
    kernels accumulate gradients in an order that varies from run to run, and training drifts apart from there;
    the deterministic ones cost about 9% of the time. The switch is process-wide, so it is counted: on while
    one training or more runs, then back to what it was."""
    global _deterministic_users, _deterministic_before
    with _deterministic_lock:
        if _deterministic_users == 0:
            _deterministic_before = torch.are_deterministic_algorithms_enabled()
            torch.use_deterministic_algorithms(True)
        _deterministic_users += 1
    try:
        yield
    finally:
        with _deterministic_lock:
            _deterministic_users -= 1
            if _deterministic_users == 0:
                torch.use_deterministic_algorithms(_deterministic_before)


def fit(network: HRNN, tables: Tables, seq: Sequences, config: NetworkConfig, popularity: np.ndarray) -> list[float]:
    """Train `network` in place; the mean loss of each epoch. The same seed gives the same network.

    The windows of all users train in shuffled batches (truncated back-propagation through time), each from the
    state the window before it ended in, the epoch before.
    """
    with deterministic_kernels():
        return _fit(network, tables, seq, config, popularity)


def _fit(network: HRNN, tables: Tables, seq: Sequences, config: NetworkConfig, popularity: np.ndarray) -> list[float]:
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    _warm_start(network, seq)
    runs = training_runs(seq, config)
    windows = cut_windows(seq, runs, config.bptt)
    if len(windows) == 0:
        return []
    positions = int(windows.lengths.sum())
    epochs = config.epochs or int(np.clip(round(TARGET_POSITIONS / max(positions, 1)), MIN_EPOCHS, MAX_EPOCHS))
    negatives = Negatives(popularity)
    weights = _recency(seq, config)
    optimizer = torch.optim.Adam(network.parameters(), lr=config.learning_rate)
    plans = [rng.permutation(len(windows)) for _ in range(epochs)]
    steps = sum(math.ceil(len(plan) / config.batch_windows) for plan in plans)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.learning_rate, total_steps=steps, pct_start=WARMUP)
    losses = []
    started = time.monotonic()
    follows = np.full(len(windows), -1)  # the next window of the same run
    same_run = windows.runs[1:] == windows.runs[:-1]
    follows[:-1][same_run] = np.arange(1, len(windows))[same_run]
    # the first epoch starts every window from zero (an untrained network's states say nothing yet); each later
    # epoch starts a window from the state the window before it ended in, the epoch before
    carried = torch.zeros(len(windows), 2 * network.shape.hidden)
    for epoch, order in enumerate(plans):
        states = carried.clone()
        network.train()
        total = 0.0
        for first in range(0, len(order), config.batch_windows):
            chosen = order[first : first + config.batch_windows]
            loss, ended = _batch_loss(network, tables, seq, windows, chosen, states[chosen], negatives, weights, rng)
            after = follows[chosen]
            carried[after[after >= 0]] = ended.detach()[after >= 0]
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(network.parameters(), 5.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach())
        losses.append(total / math.ceil(len(order) / config.batch_windows))
        log.info(
            "epoch %d/%d  loss %.4f  %.1f s",
            *(epoch + 1, epochs, losses[-1], time.monotonic() - started),
            extra={"epoch": epoch + 1, "epochs": epochs, "loss": losses[-1]},
        )
    network.eval()
    return losses


class Negatives:
    """The items each prediction is scored against: the whole catalogue when it is small enough, else a
    popularity-sampled share of it with the log-Q correction."""

    FULL_UP_TO = 20_000
    SAMPLED = 4096

    def __init__(self, popularity: np.ndarray):
        self.full = len(popularity) <= self.FULL_UP_TO
        # an item no one chose has no ID and no bias to learn: its metadata alone scores it, as in UPDATE
        self.known = torch.as_tensor(popularity > 0, dtype=torch.float32)
        weights = np.power(popularity.astype("float64") + 1.0, 0.75)
        weights[0] = 0.0
        self.sampling = torch.as_tensor(weights / weights.sum(), dtype=torch.float32)

    def logits(
        self, query: torch.Tensor, item_vecs: torch.Tensor, bias: torch.Tensor, truth: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits of the candidates for each prediction, and the column of the true item."""
        if self.full:
            logits = query @ item_vecs.T + bias
            logits[:, 0] = -1e9
            return logits, truth
        drawn = torch.multinomial(self.sampling, self.SAMPLED, replacement=True)
        log_q = torch.log(self.sampling * self.SAMPLED + 1e-12)
        positive = (query * item_vecs[truth]).sum(-1) + bias[truth] - log_q[truth]
        shared = query @ item_vecs[drawn].T + bias[drawn] - log_q[drawn]
        shared = shared.masked_fill(drawn[None, :] == truth[:, None], -1e9)
        return torch.cat([positive[:, None], shared], 1), torch.zeros(len(truth), dtype=torch.long)


def _recency(seq: Sequences, config: NetworkConfig) -> np.ndarray:
    """Loss weights: 1 everywhere, or from 0.5 (the oldest interaction) to 1 (the newest) with recency_mask."""
    if not config.recency_mask or len(seq.times) == 0:
        return np.ones(len(seq.times), dtype=np.float32)
    span = max(int(seq.times.max() - seq.times.min()), 1)
    return (RECENCY_FLOOR + (1 - RECENCY_FLOOR) * (seq.times - seq.times.min()) / span).astype(np.float32)


def _batch_loss(
    network: HRNN,
    tables: Tables,
    seq: Sequences,
    windows: Windows,
    chosen: np.ndarray,
    carried: torch.Tensor,
    negatives: Negatives,
    weights: np.ndarray,
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss of a batch of windows, and the (session, user) state each window ends in."""
    runs, kinds = windows.runs[chosen], windows.kinds[chosen]
    lengths = windows.lengths[chosen]
    steps = int(lengths.max())
    base = seq.offsets[runs][:, None] + windows.starts[chosen][:, None] + np.arange(steps)[None, :]
    valid = np.arange(steps)[None, :] < lengths[:, None]
    idx = np.where(valid, base, 0)
    target = np.where(valid, base + 1, 0)

    hidden = network.shape.hidden
    session, user = carried[:, :hidden], carried[:, hidden:]
    first, opens = torch.as_tensor(kinds == FIRST), torch.as_tensor(kinds == OPENS)
    if bool(opens.any()):  # back-propagate through the session change
        changed_session, changed_user = network.new_session(session, user)
        session = torch.where(opens[:, None], changed_session, session)
        user = torch.where(opens[:, None], changed_user, user)
    if bool(first.any()):  # and through the Users metadata that starts a history
        users = seq.run_users[runs]
        if tables.user_bags or tables.user_numbers is not None:  # and the start of a user without a Users record
            users = np.where(rng.random(len(users)) < USER_DROPOUT, 0, users)
        start_session, start_user = tables.first_state(network, torch.as_tensor(users))
        session = torch.where(first[:, None], start_session, session)
        user = torch.where(first[:, None], start_user, user)

    id_keep = negatives.known
    if tables.item_bags or tables.item_numbers is not None:  # teach the metadata to stand for the item alone
        id_keep = (torch.rand(network.shape.items) > ID_DROPOUT).float() * negatives.known
    item_vecs = tables.item_vectors(network, id_keep)
    contexts, next_contexts = seq.contexts[idx], seq.contexts[target]
    if contexts.shape[-1]:
        contexts = np.where(rng.random(contexts.shape) < CONTEXT_DROPOUT, 0, contexts)
        next_contexts = np.where(rng.random(next_contexts.shape) < CONTEXT_DROPOUT, 0, next_contexts)
    inputs = network.step_inputs(
        item_vecs, torch.as_tensor(seq.items[idx]), torch.as_tensor(seq.events[idx]),
        torch.as_tensor(seq.values[idx]), torch.as_tensor(contexts),
    )  # fmt: skip
    joined = network.read_session(inputs, session, user)
    ended = joined[torch.arange(len(chosen)), torch.as_tensor(lengths - 1)]
    mask = torch.as_tensor(valid)
    query = network.query(joined, torch.as_tensor(next_contexts))[mask]
    flat_targets = target[valid]
    truth = torch.as_tensor(seq.items[flat_targets])

    bias = network.item_bias.weight[:, 0] * negatives.known
    logits, column = negatives.logits(query, item_vecs, bias, truth)
    shown = _impression_matrix(seq, flat_targets)
    if shown is not None:  # items shown and not chosen count once more among the negatives
        impressed = torch.einsum("ph,pkh->pk", query, item_vecs[shown]) + bias[shown]
        logits = torch.cat([logits, impressed.masked_fill(shown == 0, -1e9)], 1)
    log_p = torch.log_softmax(logits, 1)
    losses = -log_p.gather(1, column[:, None])[:, 0]
    w = torch.as_tensor(weights[flat_targets])
    return (losses * w).sum() / w.sum(), ended


def _warm_start(network: HRNN, seq: Sequences) -> None:
    """Item-ID embeddings start from a truncated SVD of who chose what (users x items, each item's column scaled
    by 1/sqrt(its users)), at the scale of the random start: items chosen by the same users start close, which
    a few epochs of training would otherwise have to learn. Items no one chose start (and stay) at zero: their
    metadata alone scores them, as UPDATE training does for a new item."""
    pairs = np.unique(np.column_stack([seq.users, seq.items]), axis=0)
    pairs = pairs[pairs[:, 1] > 0]
    n_items, width = network.shape.items, network.shape.hidden
    users = int(seq.users.max()) + 1 if len(seq.users) else 0
    rank = min(width, n_items - 1, users - 1)
    if len(pairs) < 2 or rank < 1:
        return
    degree = np.bincount(pairs[:, 1], minlength=n_items)
    values = torch.as_tensor(1.0 / np.sqrt(degree[pairs[:, 1]]), dtype=torch.float32)
    matrix = torch.sparse_coo_tensor(
        torch.as_tensor(pairs.T), values, (users, n_items), check_invariants=False
    ).coalesce()
    _, singular, right = torch.svd_lowrank(matrix, q=rank, niter=2)
    vectors = right * singular.sqrt()[None, :]
    chosen = torch.as_tensor(degree > 0)
    spread = float(vectors[chosen].std())
    if not spread > 0:
        return
    with torch.no_grad():
        network.item_id.weight.zero_()
        network.item_id.weight[chosen, :rank] = vectors[chosen] * (ITEM_STD / spread)


def _impression_matrix(seq: Sequences, targets: np.ndarray) -> torch.Tensor | None:
    """Items shown with each target step and not chosen, padded with 0, or None when no step has any."""
    lists = [seq.impressions[t][:IMPRESSION_NEGATIVES] for t in targets]
    width = max((len(x) for x in lists), default=0)
    if width == 0:
        return None
    out = np.zeros((len(lists), width), dtype=np.int64)
    for row, shown in enumerate(lists):
        out[row, : len(shown)] = shown
    return torch.as_tensor(out)
