"""Turning a dataset group's frames into the integer and float arrays the network reads.

Rules worth knowing:
- Each user's interactions are in time order; interactions with the same TIMESTAMP keep the order in which
  they reached the dataset (file order, then event order). MovieLens users rate in batches, so half its
  interactions tie with another of the same user: a stable sort keeps the run repeatable.
- A session ends after `SESSION_GAP` seconds without an interaction; the next step starts a new one.
- Index 0 of every vocabulary means "unknown or none": an unseen item, an unseen context value, no metadata.
- Categorical values may be pipe-joined (`Comedy|Drama`): each value is a token; fields become multi-hot bags.
- Textual item fields (`"textual": true`), for the recipes that read them, become bags of their distinct words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from personalize_emulator.data.avro import AvroSchema

SESSION_GAP = 30 * 60
RESERVED_INTERACTION_FIELDS = {
    "USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE", "IMPRESSION", "RECOMMENDATION_ID",
    "EVENT_ATTRIBUTION_SOURCE",
}  # fmt: skip
MAX_TOKENS = 8  # values kept per categorical field of one item or user
TEXT_TOKENS = 32  # distinct words kept per textual field of one item
_WORD = re.compile(r"[^\W_]+")


class Vocab:
    """Values to indices, 1-based; 0 is the unknown value."""

    def __init__(self, values: Any = ()):
        self.index: dict[str, int] = {}
        self.extend(values)

    def extend(self, values: Any) -> None:
        for value in values:
            if value is not None and value == value and value not in self.index:
                self.index[value] = len(self.index) + 1

    def __len__(self) -> int:
        return len(self.index) + 1

    def copy(self) -> Vocab:
        twin = Vocab()
        twin.index = dict(self.index)
        return twin

    def lookup(self, values: Any) -> np.ndarray:
        get = self.index.get
        return np.fromiter((get(v, 0) for v in values), dtype=np.int64)


def _tokens(value: Any) -> list[str]:
    if value is None or value != value or value == "":
        return []
    return [t.strip() for t in str(value).split("|") if t.strip()][:MAX_TOKENS]


def _words(value: Any) -> list[str]:
    if value is None or value != value:
        return []
    return list(dict.fromkeys(_WORD.findall(str(value).lower())))[:TEXT_TOKENS]


@dataclass
class Bags:
    """Multi-hot fields of a table: per field, a vocabulary and a [rows, MAX_TOKENS or TEXT_TOKENS] index matrix."""

    names: list[str] = field(default_factory=list)
    vocabs: list[Vocab] = field(default_factory=list)
    matrices: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        frame: pd.DataFrame | None,
        names: list[str],
        rows: int,
        position: np.ndarray,
        previous: Bags | None = None,
        text: frozenset[str] = frozenset(),
    ) -> Bags:
        """Bags for `rows` entities; `position[i]` is the row of entity i in `frame` (-1 where absent). The
        fields named in `text` are bags of words.

        With `previous`, its vocabularies keep their indices and new values are appended (UPDATE training)."""
        bags = cls()
        known = dict(zip(previous.names, previous.vocabs)) if previous else {}
        for name in names:
            split, width = (_words, TEXT_TOKENS) if name in text else (_tokens, MAX_TOKENS)
            tokens = [split(v) for v in frame[name]] if frame is not None else []
            vocab = known[name].copy() if name in known else Vocab()
            vocab.extend(t for row in tokens for t in row)
            matrix = np.zeros((rows, width), dtype=np.int64)
            for entity, row in enumerate(position):
                if row >= 0:
                    ids = [vocab.index[t] for t in tokens[row]]
                    matrix[entity, : len(ids)] = ids
            bags.names.append(name)
            bags.vocabs.append(vocab)
            bags.matrices.append(matrix)
        return bags

    def sizes(self) -> list[int]:
        return [len(v) for v in self.vocabs]


@dataclass
class Numbers:
    """Numeric fields, standardised with the training mean and deviation; missing values become 0 (the mean)."""

    names: list[str] = field(default_factory=list)
    means: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scales: np.ndarray = field(default_factory=lambda: np.ones(0))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    @classmethod
    def build(
        cls,
        frame: pd.DataFrame | None,
        names: list[str],
        rows: int,
        position: np.ndarray,
        previous: Numbers | None = None,
    ) -> Numbers:
        """With `previous`, its means and scales are kept, so the network reads numbers as it learnt them."""
        if frame is None or not names:
            return cls(matrix=np.zeros((rows, 0), dtype=np.float32))
        raw = frame[names].astype("float64").to_numpy()
        if previous is not None and previous.names == names:
            means, scales = previous.means, previous.scales
        else:
            with np.errstate(all="ignore"):
                means = np.nanmean(raw, axis=0) if len(raw) else np.zeros(len(names))
                scales = np.nanstd(raw, axis=0) if len(raw) else np.ones(len(names))
            means, scales = np.nan_to_num(means), np.where(np.nan_to_num(scales) > 0, np.nan_to_num(scales), 1.0)
        matrix = np.zeros((rows, len(names)), dtype=np.float32)
        present = position >= 0
        matrix[present] = np.nan_to_num((raw[position[present]] - means) / scales)
        return cls(names, means, scales, matrix)


def metadata_fields(schema: AvroSchema | None, exclude: set[str]) -> tuple[list[str], list[str]]:
    """The categorical (string) and numeric fields of a schema that describe an entity."""
    if schema is None:
        return [], []
    categorical = [f.name for f in schema.fields if f.name not in exclude and f.type == "string" and f.categorical]
    numeric = [f.name for f in schema.fields if f.name not in exclude and f.type in ("int", "long", "float", "double")]
    return categorical, numeric


@dataclass
class ItemFeatures:
    """Items: their ids by index (index 0 is the unknown item) and their metadata."""

    ids: list[str]
    index: dict[str, int]
    bags: Bags
    numbers: Numbers
    created: np.ndarray  # seconds; CREATION_TIMESTAMP, else the first interaction, else NaN (counts as new)

    def __len__(self) -> int:
        return len(self.ids)


def build_item_features(
    interactions: pd.DataFrame,
    items: pd.DataFrame | None,
    schema: AvroSchema | None,
    previous: ItemFeatures | None = None,
    text: bool = False,
) -> ItemFeatures:
    """The catalogue, with the textual fields if `text`; with `previous`, its items keep their indices and new
    ones are appended."""
    seen = list(interactions["ITEM_ID"]) + (list(items["ITEM_ID"]) if items is not None else [])
    ids = list(dict.fromkeys((previous.ids[1:] if previous else []) + seen))
    ids = [None, *ids]  # index 0: unknown item
    index = {item: i for i, item in enumerate(ids) if i}
    position = np.full(len(ids), -1)
    if items is not None and len(items):
        rows = pd.Series(np.arange(len(items)), index=items["ITEM_ID"].to_numpy())
        rows = rows[~rows.index.duplicated(keep="last")]
        found = np.array([index[i] for i in rows.index])
        position[found] = rows.to_numpy()
    categorical, numeric = metadata_fields(schema, {"ITEM_ID", "CREATION_TIMESTAMP"})
    words = [f.name for f in schema.fields if f.textual] if text and schema is not None else []
    created = np.full(len(ids), np.nan)
    first = interactions.groupby("ITEM_ID", sort=False)["TIMESTAMP"].min()
    created[[index[i] for i in first.index]] = first.to_numpy(dtype="float64")
    if items is not None and "CREATION_TIMESTAMP" in items and len(items):
        stamp = items["CREATION_TIMESTAMP"].astype("float64").to_numpy()
        have = position >= 0
        from_items = np.full(len(ids), np.nan)
        from_items[have] = stamp[position[have]]
        created = np.where(np.isnan(from_items), created, from_items)
    return ItemFeatures(
        ids,
        index,
        Bags.build(
            items, categorical + words, len(ids), position, previous.bags if previous else None, frozenset(words)
        ),
        Numbers.build(items, numeric, len(ids), position, previous.numbers if previous else None),
        created,
    )


@dataclass
class UserFeatures:
    """Users: index by id (0 is unknown) and the metadata that conditions their state."""

    index: dict[str, int]
    bags: Bags
    numbers: Numbers


def build_user_features(
    interactions: pd.DataFrame,
    users: pd.DataFrame | None,
    schema: AvroSchema | None,
    previous: UserFeatures | None = None,
) -> UserFeatures:
    seen = list(interactions["USER_ID"]) + (list(users["USER_ID"]) if users is not None else [])
    ids = list(dict.fromkeys((list(previous.index) if previous else []) + seen))
    index = {user: i + 1 for i, user in enumerate(ids)}
    position = np.full(len(ids) + 1, -1)
    if users is not None and len(users):
        for row, user in enumerate(users["USER_ID"]):
            position[index[user]] = row
    categorical, numeric = metadata_fields(schema, {"USER_ID"})
    return UserFeatures(
        index,
        Bags.build(users, categorical, len(ids) + 1, position, previous.bags if previous else None),
        Numbers.build(users, numeric, len(ids) + 1, position, previous.numbers if previous else None),
    )


@dataclass
class StepCodes:
    """How interaction fields become inputs: event types and context fields, each with a vocabulary."""

    event_types: Vocab
    context_names: list[str]
    context_vocabs: list[Vocab]
    value_mean: float = 0.0
    value_scale: float = 1.0

    def context_indices(self, context: dict[str, str] | None) -> np.ndarray:
        """A request's `context` as indices; keys match fields without regard to case, unseen values are 0."""
        given = {k.upper(): v for k, v in (context or {}).items()}
        return np.array(
            [
                vocab.index.get(given.get(name.upper(), ""), 0)
                for name, vocab in zip(self.context_names, self.context_vocabs)
            ],
            dtype=np.int64,
        )


def build_step_codes(
    interactions: pd.DataFrame, schema: AvroSchema | None, previous: StepCodes | None = None
) -> StepCodes:
    """Event types and context fields; with `previous`, known values keep their indices (UPDATE training)."""
    event_types = previous.event_types.copy() if previous else Vocab()
    event_types.extend(interactions["EVENT_TYPE"].dropna().unique() if "EVENT_TYPE" in interactions else [])
    names = []
    if schema is not None:
        names = [f.name for f in schema.fields if f.name not in RESERVED_INTERACTION_FIELDS and f.type == "string"]
    known = dict(zip(previous.context_names, previous.context_vocabs)) if previous else {}
    vocabs = []
    for name in names:
        vocab = known[name].copy() if name in known else Vocab()
        vocab.extend(interactions[name].dropna().unique())
        vocabs.append(vocab)
    if previous is not None:
        return StepCodes(event_types, names, vocabs, previous.value_mean, previous.value_scale)
    mean, scale = 0.0, 1.0
    if "EVENT_VALUE" in interactions and interactions["EVENT_VALUE"].notna().any():
        values = interactions["EVENT_VALUE"].astype("float64")
        mean, scale = float(values.mean()), float(values.std() or 1.0)
    return StepCodes(event_types, names, vocabs, mean, scale if scale == scale and scale > 0 else 1.0)


@dataclass
class Sequences:
    """All interactions as flat arrays sorted by user then time, with where each user's run starts."""

    users: np.ndarray  # user index per step
    items: np.ndarray
    events: np.ndarray
    values: np.ndarray  # EVENT_VALUE, standardised; 0 where absent
    contexts: np.ndarray  # [steps, context fields]
    times: np.ndarray
    session_start: np.ndarray  # True where a step opens a new session after an earlier one
    impressions: list[np.ndarray]  # per step: items shown with it (the chosen one removed)
    offsets: np.ndarray  # steps of user run k are offsets[k]:offsets[k+1]
    run_users: np.ndarray  # user index of run k

    def run(self, k: int) -> slice:
        return slice(self.offsets[k], self.offsets[k + 1])


def build_sequences(
    interactions: pd.DataFrame,
    catalogue: ItemFeatures,
    people: UserFeatures,
    codes: StepCodes,
    with_impressions: bool = True,
) -> Sequences:
    frame = interactions.assign(_arrival=np.arange(len(interactions)))
    frame = frame.sort_values(["USER_ID", "TIMESTAMP", "_arrival"], kind="stable")
    users = np.fromiter((people.index.get(u, 0) for u in frame["USER_ID"]), dtype=np.int64, count=len(frame))
    items = np.fromiter((catalogue.index.get(i, 0) for i in frame["ITEM_ID"]), dtype=np.int64, count=len(frame))
    events = codes.event_types.lookup(frame["EVENT_TYPE"]) if "EVENT_TYPE" in frame else np.zeros(len(frame), np.int64)
    values = np.zeros(len(frame), dtype=np.float32)
    if "EVENT_VALUE" in frame:
        raw = frame["EVENT_VALUE"].astype("float64").to_numpy()
        values = np.nan_to_num((raw - codes.value_mean) / codes.value_scale).astype(np.float32)
    contexts = np.zeros((len(frame), len(codes.context_names)), dtype=np.int64)
    for j, (name, vocab) in enumerate(zip(codes.context_names, codes.context_vocabs)):
        contexts[:, j] = vocab.lookup(frame[name])
    times = frame["TIMESTAMP"].astype("int64").to_numpy()
    change = np.ones(len(frame), dtype=bool)
    change[1:] = users[1:] != users[:-1]
    offsets = np.append(np.flatnonzero(change), len(frame))
    gap = np.zeros(len(frame), dtype=bool)
    gap[1:] = (times[1:] - times[:-1]) > SESSION_GAP
    session_start = gap & ~change
    impressions = []
    if with_impressions and "IMPRESSION" in frame:
        for shown, chosen in zip(frame["IMPRESSION"], items):
            ids = [catalogue.index.get(t, 0) for t in _all_tokens(shown)]
            impressions.append(np.array([i for i in ids if i and i != chosen], dtype=np.int64))
    else:
        impressions = [np.zeros(0, dtype=np.int64)] * len(frame)
    return Sequences(
        users, items, events, values, contexts, times, session_start, impressions, offsets, users[offsets[:-1]]
    )


def _all_tokens(value: Any) -> list[str]:
    if value is None or value != value or value == "":
        return []
    return [t for t in str(value).split("|") if t]
