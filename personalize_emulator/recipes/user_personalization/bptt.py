"""Training the network: truncated back-propagation through time over windows of `bptt` steps.

The windows of all users train as independent rows of batches, which keeps the recurrent loop short (bptt steps)
and the matrix products wide; a window starts from the state its predecessor ended in the epoch before (zero in
the first epoch), so no epoch pays for a pass over every history. Item-ID embeddings start from an SVD of who
chose what. The loss is a softmax over the true next item against the whole catalogue (up to 4,096 items; beyond,
2,048 negatives sampled by popularity with the log-Q correction) and the items shown with it and not chosen
(impressions), weighted towards recent interactions when `recency_mask` is on.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from personalize_emulator.recipes.base import TrainingFailed
from personalize_emulator.recipes.user_personalization.config import DEFAULT_WIDTH, NetworkConfig
from personalize_emulator.recipes.user_personalization.features import Sequences
from personalize_emulator.recipes.user_personalization.network import HRNN, ITEM_STD
from personalize_emulator.recipes.user_personalization.one_cycle import OneCycleAdam

log = logging.getLogger("personalize_emulator.training")

IMPRESSION_NEGATIVES = 8
RECENCY_FLOOR = 0.5
USER_DROPOUT = 0.1  # share of histories started as a user without a Users record, so that start is trained too
CONTEXT_DROPOUT = 0.2
ID_DROPOUT = 0.25  # share of items seen by their metadata alone in a batch, when they have metadata
TARGET_POSITIONS = 400_000  # positions seen over all epochs: the epoch count scales inversely with the data
MIN_EPOCHS, MAX_EPOCHS = 3, 30
DEFAULT_WIDE_EPOCHS = 6  # the most epochs small data trains at the default width (149); narrower networks, more
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

    def to(self, device: torch.device) -> Tables:
        def moved(tensor: torch.Tensor | None) -> torch.Tensor | None:
            return tensor.to(device) if tensor is not None else None

        return Tables(
            [b.to(device) for b in self.item_bags], moved(self.item_numbers),
            [b.to(device) for b in self.user_bags], moved(self.user_numbers),
        )  # fmt: skip


def resolve_device(name: str) -> torch.device:
    """`auto` is CUDA when PyTorch sees a GPU, else the CPU; `cuda` without a GPU is refused in words."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise TrainingFailed(
            f"The training was asked to run on {name} (configure(device=...) or PERSONALIZE_EMULATOR_DEVICE), "
            "but PyTorch sees no CUDA GPU on this machine; use auto or cpu."
        )
    return device


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
            opens = np.flatnonzero(seq.session_start[step + 1 : end]) if end > step + 1 else np.empty(0, np.int64)
            if len(opens):
                end = step + 1 + int(opens[0])
            out.append((int(run), step - first, end - step, kind))
            step = end
    table = np.array(out, dtype=np.int64).reshape(-1, 4)
    return Windows(*table.T)


def read_histories(
    network: HRNN,
    tables: Tables,
    seq: Sequences,
    runs: np.ndarray,
    item_vecs: torch.Tensor,
    windows: Windows | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Read the histories of `runs` without gradients, a step at a time; the final session and user states per
    run (indexed by run), from which serving starts, and with `windows` (of those runs) the joined state each
    window starts from: after the steps before it, before its own session change."""
    hidden, device = network.shape.hidden, network.device
    runs = np.asarray(runs)
    lengths = np.diff(seq.offsets)[runs]
    order = np.argsort(-lengths, kind="stable")
    runs, lengths = runs[order], lengths[order]
    count = len(seq.offsets) - 1
    final_session, final_user = torch.zeros(count, hidden, device=device), torch.zeros(count, hidden, device=device)
    longest = int(lengths[0]) if len(lengths) else 0
    active = np.searchsorted(-lengths, -np.arange(longest))  # per step t, how many runs are longer than t
    starts = torch.zeros(len(windows), 2 * hidden, device=device) if windows is not None else None
    if windows is not None:
        row_of_run = np.full(count, -1)
        row_of_run[runs] = np.arange(len(runs))
        by_step = np.argsort(windows.starts, kind="stable")
        bounds = np.searchsorted(windows.starts[by_step], np.arange(longest + 1))
    with torch.no_grad():
        session, user = tables.first_state(network, torch.as_tensor(seq.run_users[runs], device=device))
        for t in range(longest):
            if windows is not None and starts is not None and bounds[t + 1] > bounds[t]:
                chosen = by_step[bounds[t] : bounds[t + 1]]
                rows = torch.as_tensor(row_of_run[windows.runs[chosen]], device=device)
                starts[torch.as_tensor(chosen, device=device)] = torch.cat([session[rows], user[rows]], 1)
            n = int(active[t])
            steps = seq.offsets[runs[:n]] + t
            opens = torch.as_tensor(seq.session_start[steps], device=device)
            if bool(opens.any()):
                folded_session, folded_user = network.new_session(session[:n], user[:n])
                session[:n] = torch.where(opens[:, None], folded_session, session[:n])
                user[:n] = torch.where(opens[:, None], folded_user, user[:n])
            x = step_inputs(network, seq, steps, item_vecs)
            session[:n] = network.session_step(x, session[:n])
        placed = torch.as_tensor(runs, device=device)
        final_session[placed], final_user[placed] = session, user
    return final_session, final_user, starts


def step_inputs(network: HRNN, seq: Sequences, idx: np.ndarray, item_vecs: torch.Tensor) -> torch.Tensor:
    device = network.device
    return network.step_inputs(
        item_vecs,
        torch.as_tensor(seq.items[idx], device=device),
        torch.as_tensor(seq.events[idx], device=device),
        torch.as_tensor(seq.values[idx], device=device),
        torch.as_tensor(seq.contexts[idx], device=device),
    )


@contextmanager
def one_thread() -> Iterator[None]:
    """PyTorch's intra-op threads at one in this thread while a training runs (the setting is per thread; the
    caller's is restored). A training is many small operations, and at each one two threads wait for each other:
    when another process keeps the second core busy, every operation stalls (a training took eight times as long
    with two threads, against no slower with one). One thread also makes a seed train the same network every
    time, without PyTorch's slower deterministic kernels."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class Plan:
    """How much a training does, decided from the data before it starts."""

    epochs: int
    batch_windows: int
    steps: int  # optimizer steps over all epochs


def plan(windows: Windows, config: NetworkConfig) -> Plan:
    """Epochs inversely to the positions, so that a training sees about `TARGET_POSITIONS` of them (MovieLens 100k
    trains 4 epochs, a million interactions 3), with small data capped by the work its epochs cost.

    A position costs about the square of the width (the recurrent and output layers), so small data trains as
    many epochs as `DEFAULT_WIDE_EPOCHS` epochs of the default width would cost: 6 at width 149, 30 (the most)
    at 64 or narrower. A test's data set trains in seconds at any width, and narrow networks, which learn
    planted data slowly, get the passes they need."""
    positions = int(windows.lengths.sum())
    affordable = round(DEFAULT_WIDE_EPOCHS * (DEFAULT_WIDTH / (config.budget_width or config.hidden)) ** 2)
    most = int(np.clip(affordable, MIN_EPOCHS, MAX_EPOCHS))
    epochs = config.epochs or int(np.clip(round(TARGET_POSITIONS / max(positions, 1)), MIN_EPOCHS, most))
    return Plan(epochs, config.batch_windows, epochs * math.ceil(len(windows) / config.batch_windows))


class Fit:
    """A training of `network` on `seq` that can stop part-way and resume (`advance`), then carry on with the
    interactions that a second data set (all the data, when `seq` is the metrics split) adds (`carry_on`).

    The windows of all users train in shuffled batches (truncated back-propagation through time), each from the
    state the window before it ended in, the epoch before. One one-cycle schedule spans the split's epochs and
    the pass over the added interactions, so the network keeps learning, gently, where the split left it. The
    same seed gives the same network.
    """

    def __init__(
        self,
        network: HRNN,
        tables: Tables,
        seq: Sequences,
        config: NetworkConfig,
        label: str,
        then: Sequences | None = None,
        device: torch.device | None = None,
        interrupt: Callable[[], None] = lambda: None,
    ):
        self.seq, self.config, self.label, self.interrupt = seq, config, label, interrupt
        torch.manual_seed(config.seed)
        self.rng = np.random.default_rng(config.seed)
        _warm_start(network, seq)
        self.device = device or torch.device("cpu")
        self.network, self.tables = network.to(self.device), tables.to(self.device)
        runs = training_runs(seq, config)
        self.windows = cut_windows(seq, runs, config.bptt)
        self.plan = plan(self.windows, config)
        self.added = added_windows(seq, then, config) if then is not None else None
        self.then = then
        added_steps = math.ceil(len(self.added) / self.plan.batch_windows) if self.added is not None else 0
        self.total_steps = max(self.plan.steps + added_steps, 1)
        self.negatives = Negatives(np.bincount(seq.items, minlength=network.shape.items), self.device)
        self.weights = _recency(seq, config)
        self.optimizer = OneCycleAdam(network.parameters(), config.learning_rate, self.total_steps, WARMUP)
        self.plans = [self.rng.permutation(len(self.windows)) for _ in range(self.plan.epochs)]
        self.follows = np.full(len(self.windows), -1)  # the next window of the same run
        same_run = self.windows.runs[1:] == self.windows.runs[:-1]
        self.follows[:-1][same_run] = np.arange(1, len(self.windows))[same_run]
        # the first epoch starts every window from zero (an untrained network's states say nothing yet); each
        # later epoch starts a window from the state the window before it ended in, the epoch before
        self.carried = torch.zeros(len(self.windows), 2 * network.shape.hidden, device=self.device)
        self.losses: list[float] = []
        self.done = 0  # optimizer steps taken
        self.epoch, self.batch = 0, 0  # where the split's epochs stand
        self.epoch_loss = 0.0
        self.started = time.monotonic()
        self.reported = 0  # tenths of the training reported so far

    def advance(self, until: float = 1.0) -> None:
        """Train on the split's windows until `until` (0 to 1) of its steps are taken."""
        goal = min(round(until * self.plan.steps), self.plan.steps)
        per_epoch = math.ceil(len(self.windows) / self.plan.batch_windows)
        self.network.train()
        while self.done < goal:
            order = self.plans[self.epoch]
            if self.batch == 0:
                self.states = self.carried.clone()
            chosen = order[self.batch * self.plan.batch_windows : (self.batch + 1) * self.plan.batch_windows]
            loss, ended = self._step(self.windows, chosen, self.states[self._on(chosen)], self.seq)
            after = self.follows[chosen]
            self.carried[self._on(after[after >= 0])] = ended[self._on(after >= 0)]
            self.epoch_loss += loss
            self.batch += 1
            if self.batch == per_epoch:
                self.losses.append(self.epoch_loss / per_epoch)
                self.epoch, self.batch, self.epoch_loss = self.epoch + 1, 0, 0.0
            self._report(self.losses[-1] if self.batch == 0 else self.epoch_loss / self.batch)
        self.network.eval()

    def carry_on(self) -> None:
        """One pass, at the schedule's tail, over the windows that hold the interactions the split left out,
        each from the state its user's earlier interactions lead to."""
        self.advance(1.0)
        if self.added is None or self.then is None or len(self.added) == 0:
            return
        runs = np.unique(self.added.runs)
        with torch.no_grad():
            item_vecs = self.tables.item_vectors(self.network)
            starts = read_histories(self.network, self.tables, self.then, runs, item_vecs, self.added)[2]
            assert starts is not None  # read_histories starts every window it is given
        self.negatives = Negatives(np.bincount(self.then.items, minlength=self.network.shape.items), self.device)
        self.weights = _recency(self.then, self.config)
        self.network.train()
        order = self.rng.permutation(len(self.added))
        total, batches = 0.0, 0
        for first in range(0, len(order), self.plan.batch_windows):
            chosen = order[first : first + self.plan.batch_windows]
            loss, _ = self._step(self.added, chosen, starts[self._on(chosen)], self.then)
            total, batches = total + loss, batches + 1
            self._report(total / batches)
        self.network.eval()

    def _on(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, device=self.device)

    def on_cpu(self) -> tuple[HRNN, Tables]:
        """The network and tables as they stand, on the CPU where models serve (a copy when training elsewhere)."""
        if self.device.type == "cpu":
            return self.network, self.tables
        return copy.deepcopy(self.network).cpu(), self.tables.to(torch.device("cpu"))

    def _step(self, windows: Windows, chosen: np.ndarray, carried: torch.Tensor, seq: Sequences):
        self.interrupt()
        loss, ended = _batch_loss(
            self.network, self.tables, seq, windows, chosen, carried, self.negatives, self.weights, self.rng
        )
        self.optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.network.parameters(), 5.0)
        self.optimizer.step()
        self.done += 1
        return float(loss.detach()), ended.detach()

    def _report(self, loss: float) -> None:
        """A progress line at each tenth of the training's steps, for a reader watching it; the figures ride on
        the record too (`training`, `percent`, `stage`, `loss`) for handlers that show or chart them."""
        tenths = self.done * 10 // self.total_steps
        if tenths > self.reported:
            self.reported = tenths
            epoch = min(self.epoch + (self.batch > 0), self.plan.epochs)
            stage = f"epoch {epoch}/{self.plan.epochs}" if self.done <= self.plan.steps else "held-out users' newest"
            log.info(
                "%s: %3d%%  %s  loss %.4f  %.1f s",
                self.label, 10 * tenths, stage, loss, time.monotonic() - self.started,
                extra={"training": self.label, "percent": 10 * tenths, "stage": stage, "loss": loss},
            )  # fmt: skip


def added_windows(seq: Sequences, then: Sequences, config: NetworkConfig) -> Windows:
    """The windows of `then` (all the data) that predict an interaction `seq` (the split) does not hold: those
    of the users whose history `then` extends, from the step before the first new one."""
    before = dict(zip(seq.run_users.tolist(), np.diff(seq.offsets).tolist()))
    lengths = np.diff(then.offsets)
    known = np.array([before.get(int(user), 0) for user in then.run_users])
    runs = np.flatnonzero(lengths > known)
    windows = cut_windows(then, runs, config.bptt)
    new = windows.starts + windows.lengths >= known[windows.runs]
    return Windows(windows.runs[new], windows.starts[new], windows.lengths[new], windows.kinds[new])


class Negatives:
    """The items each prediction is scored against: the whole catalogue when it is small enough, else a
    popularity-sampled share of it with the log-Q correction.

    Scoring against every item costs the catalogue's size times the width per position, against about 8 x width
    squared for the recurrent layers: at the default width, 10,000 items are eight times the recurrent work, and
    most of a training. Larger catalogues than `FULL_UP_TO` draw `SAMPLED` negatives per batch instead."""

    FULL_UP_TO = 4096
    SAMPLED = 2048

    def __init__(self, popularity: np.ndarray, device: torch.device):
        self.full = len(popularity) <= self.FULL_UP_TO
        # an item no one chose has no ID and no bias to learn: its metadata alone scores it, as in UPDATE
        self.known = torch.as_tensor(popularity > 0, dtype=torch.float32, device=device)
        weights = np.power(popularity.astype("float64") + 1.0, 0.75)
        weights[0] = 0.0
        self.sampling = torch.as_tensor(weights / weights.sum(), dtype=torch.float32)  # drawn from on the CPU
        self.log_q = torch.log(self.sampling * self.SAMPLED + 1e-12).to(device)

    def logits(
        self, query: torch.Tensor, item_vecs: torch.Tensor, bias: torch.Tensor, truth: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits of the candidates for each prediction, and the column of the true item."""
        if self.full:
            logits = query @ item_vecs.T + bias
            logits[:, 0] = -1e9
            return logits, truth
        drawn = torch.multinomial(self.sampling, self.SAMPLED, replacement=True).to(query.device)
        log_q = self.log_q
        positive = (query * item_vecs[truth]).sum(-1) + bias[truth] - log_q[truth]
        shared = query @ item_vecs[drawn].T + bias[drawn] - log_q[drawn]
        shared = shared.masked_fill(drawn[None, :] == truth[:, None], -1e9)
        return torch.cat([positive[:, None], shared], 1), torch.zeros(len(truth), dtype=torch.long, device=query.device)


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

    hidden, device = network.shape.hidden, network.device

    def tensor(array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, device=device)

    session, user = carried[:, :hidden], carried[:, hidden:]
    first, opens = tensor(kinds == FIRST), tensor(kinds == OPENS)
    if bool(opens.any()):  # back-propagate through the session change
        changed_session, changed_user = network.new_session(session, user)
        session = torch.where(opens[:, None], changed_session, session)
        user = torch.where(opens[:, None], changed_user, user)
    if bool(first.any()):  # and through the Users metadata that starts a history
        users = seq.run_users[runs]
        if tables.user_bags or tables.user_numbers is not None:  # and the start of a user without a Users record
            users = np.where(rng.random(len(users)) < USER_DROPOUT, 0, users)
        start_session, start_user = tables.first_state(network, tensor(users))
        session = torch.where(first[:, None], start_session, session)
        user = torch.where(first[:, None], start_user, user)

    id_keep = negatives.known
    if tables.item_bags or tables.item_numbers is not None:  # teach the metadata to stand for the item alone
        id_keep = (torch.rand(network.shape.items) > ID_DROPOUT).float().to(device) * negatives.known
    item_vecs = tables.item_vectors(network, id_keep)
    contexts, next_contexts = seq.contexts[idx], seq.contexts[target]
    if contexts.shape[-1]:
        contexts = np.where(rng.random(contexts.shape) < CONTEXT_DROPOUT, 0, contexts)
        next_contexts = np.where(rng.random(next_contexts.shape) < CONTEXT_DROPOUT, 0, next_contexts)
    inputs = network.step_inputs(
        item_vecs, tensor(seq.items[idx]), tensor(seq.events[idx]), tensor(seq.values[idx]), tensor(contexts)
    )
    joined = network.read_session(inputs, session, user)
    ended = joined[torch.arange(len(chosen), device=device), tensor(lengths - 1)]
    query = network.query(joined, tensor(next_contexts))[tensor(valid)]
    flat_targets = target[valid]
    truth = tensor(seq.items[flat_targets])

    bias = network.item_bias.weight[:, 0] * negatives.known
    logits, column = negatives.logits(query, item_vecs, bias, truth)
    shown = _impression_matrix(seq, flat_targets)
    if shown is not None:  # items shown and not chosen count once more among the negatives
        shown = shown.to(device)
        impressed = torch.einsum("ph,pkh->pk", query, item_vecs[shown]) + bias[shown]
        logits = torch.cat([logits, impressed.masked_fill(shown == 0, -1e9)], 1)
    log_p = torch.log_softmax(logits, 1)
    losses = -log_p.gather(1, column[:, None])[:, 0]
    w = tensor(weights[flat_targets])
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
