"""Filters applied to one request: which candidate items a filter removes, read from the dataset group's data as
it is at that moment (Items and Users records, and the interactions up to the last PutEvents call). The same rules
choose actions for Next-Best-Action (`ActionID`: Actions records, Action_Interactions event types, which match in
any of the guide's spellings) and users for user segments (`UserID`: Users records, and the users who have
interactions of an event type, as the guide's "includes only users who have clicked or rated items").

The rules, from the developer guide:
- Expressions joined by `|` are evaluated each on its own; the INCLUDE results are united, the EXCLUDE results
  are united, and what is recommended is the INCLUDE union (every item when there is no INCLUDE) minus the EXCLUDE
  union, in whatever order the expressions come ("Combining multiple expressions").
- `filterValues` binds each `$NAME` (names case-sensitive) to a comma-separated list such as `"comedy","drama"`.
  An INCLUDE expression needs all its values; an EXCLUDE expression whose values are not given is not used.
- Case is ignored only when matching event types; item values match exactly. A categorical field's pipe-joined
  values count one by one (`Items.GENRES IN ("Comedy")` matches "Action|Comedy").
- `Interactions.EVENT_TYPE` conditions look at the asking user's 100 most recent interactions of each event type.
- `IF CurrentUser.FIELD ...` makes an expression apply only to users whose Users record satisfies it.
Where AWS is silent: AND binds tighter than OR (SQL's rule); a record without a value for the field matches no
condition (NOT IN and != included); an EXCLUDE expression with a value missing is skipped as a whole.

What does not depend on the request (the masks of item conditions, per table version and bound values; each
model's candidates) is cached, and interaction histories follow new rows instead of being rebuilt, so a filter
costs tens of microseconds on a candidates of a few thousand items (a few hundred when it reads interactions).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from personalize_emulator.data import interaction_history
from personalize_emulator.data.action_events import action_event_type
from personalize_emulator.data.avro import NUMERIC, Field
from personalize_emulator.data.filter_expressions import DATASETS, Condition, FilterExpression, Statement
from personalize_emulator.data.record_index import RecordIndex, index_of
from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.base import Model
from personalize_emulator.resources.backend import PersonalizeBackend
from personalize_emulator.resources.datasets import dataset_of
from personalize_emulator.resources.filters import Filter
from personalize_emulator.resources.lifecycle import ACTIVE, CREATING

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
ORDERING = {"<", ">", "<=", ">="}
POSITIVE = {"IN", "="}
_FILTER_VALUE = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^",]*?))\s*(,|$)')
_CACHE_LIMIT = 512
_CACHED_IDS = 2_000_000  # item ids the excluded sets of one model's candidates hold at most, all masks together


class Candidates:
    """The items a request chooses from, in the order of the masks computed over them."""

    def __init__(self, ids: Iterable[str]):
        self.ids = list(ids)
        self.changes = 0  # the model's `catalogue_changes` when these ids were read
        self._array = np.array(self.ids, dtype=object)
        self.position = {item: i for i, item in enumerate(self.ids)}
        self._rows: tuple[RecordIndex, np.ndarray] | None = None
        self._excluded: dict[bytes, frozenset[str]] = {}
        self._excluded_ids = 0

    def mask_of(self, items: Iterable[str]) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        hits = [self.position[i] for i in items if i in self.position]
        if hits:
            mask[hits] = True
        return mask

    def rows_in(self, index: RecordIndex) -> np.ndarray:
        """Each item's row in the Items index, -1 for an item without a record."""
        if self._rows is None or self._rows[0] is not index:
            self._rows = (index, np.array([index.row_of.get(i, -1) for i in self.ids], dtype=np.int64))
        return self._rows[1]

    def excluded_by(self, allowed: np.ndarray) -> frozenset[str]:
        """The ids `allowed` leaves out; the same mask gives the same (cached) set. The cache is bounded by its
        sets' sizes too: on a 100,000-item catalogue, 512 masks that each leave out most items would hold 50
        million references."""
        key = np.packbits(allowed).tobytes()
        found = self._excluded.get(key)
        if found is None:
            found = frozenset(self._array[~allowed].tolist())
            if len(self._excluded) >= _CACHE_LIMIT or self._excluded_ids + len(found) > _CACHED_IDS:
                self._excluded.clear()
                self._excluded_ids = 0
            self._excluded[key] = found
            self._excluded_ids += len(found)
        return found


def candidates_of(backend: PersonalizeBackend, model: Model) -> Candidates:
    """The items a trained model can recommend (`Model.item_ids`), kept by the backend for as long as the model
    lives, and read again when the model's catalogue grows."""
    found = backend.serving_cache.get(model)
    if found is None or found.changes != model.catalogue_changes:
        found = backend.serving_cache[model] = Candidates(model.item_ids())
        found.changes = model.catalogue_changes
    return found


@dataclass(frozen=True)
class Target:
    """What a filter chooses: items, actions (Next-Best-Action) or users (user segments), each from the records of
    one dataset, and tested against one interactions dataset."""

    name: str  # as an expression names it: ItemID, ActionID or UserID
    noun: str
    records: str  # the dataset of its records: ITEMS, ACTIONS or USERS
    key: str  # their id field
    interactions: str  # the dataset an EVENT_TYPE condition reads
    tests: tuple[str, ...]  # the datasets its conditions may test
    described: str  # what they are, as the guide's examples show them


ITEMS = Target(
    "ItemID",
    "items",
    "ITEMS",
    "ITEM_ID",
    "INTERACTIONS",
    ("ITEMS", "INTERACTIONS", "CURRENTUSER"),
    "an item filter can test Items, Interactions.EVENT_TYPE, CurrentItem and CurrentUser",
)
ACTIONS = Target(
    "ActionID",
    "actions",
    "ACTIONS",
    "ACTION_ID",
    "ACTION_INTERACTIONS",
    ("ACTIONS", "ACTION_INTERACTIONS", "CURRENTUSER"),
    "an action filter can test Actions, Action_Interactions.EVENT_TYPE and CurrentUser",
)
USERS = Target(
    "UserID", "users", "USERS", "USER_ID", "INTERACTIONS", ("USERS", "INTERACTIONS"),
    "a user filter can test Users and Interactions.EVENT_TYPE",
)  # fmt: skip
TARGETS = {target.name: target for target in (ITEMS, ACTIONS, USERS)}


def filter_for(backend, filter_arn: str, group_arn: str, creating: bool = False) -> Filter:
    """The filter, if a request on the dataset group `group_arn` may apply it (or, with `creating`, may once it is
    created: a batch job waits for its filter)."""
    found = backend.get(filter_arn, Filter)
    if found.status != ACTIVE and not (creating and found.status in CREATING):
        raise InvalidInputException(f"The filter {filter_arn} is {found.status}; a filter applies only when ACTIVE.")
    if found.dataset_group_arn != group_arn:
        raise InvalidInputException(
            f"The filter {filter_arn} belongs to the dataset group {found.dataset_group_arn}, not to {group_arn}, "
            "whose solution answers this request."
        )
    return found


def excluded(
    backend,
    filter_arn: str,
    filter_values: dict[str, str] | None,
    *,
    group_arn: str,
    candidates: Candidates,
    user_id: str | None = None,
    item_id: str | None = None,
    target: Target = ITEMS,
) -> frozenset[str]:
    """The items (actions, users) of `candidates` that the filter removes from this request's answer."""
    found = filter_for(backend, filter_arn, group_arn)
    values = bound_values(filter_values)
    request = _Request(backend, filter_arn, group_arn, values, candidates, user_id, item_id, target)
    return candidates.excluded_by(_allowed(found.parsed, request))


def bound_values(filter_values: dict[str, str] | None) -> dict[str, tuple[str, ...]]:
    """`{"GENRES": '"comedy","drama"'}` as `{"GENRES": ("comedy", "drama")}`; an empty value binds nothing.
    Unquoted values (numbers, typically) are taken as written."""
    out = {}
    for name, text in (filter_values or {}).items():
        values, at = [], 0
        while text.strip():
            found = _FILTER_VALUE.match(text, at)
            if found is None or (found.group(1) is None and not found.group(2)):
                raise InvalidInputException(
                    f"filterValues[{name}] must be values separated by commas, each text value in double quotes "
                    f'(such as "\\"comedy\\",\\"drama\\""); got {text}'
                )
            values.append(found.group(1).replace('\\"', '"') if found.group(1) is not None else found.group(2))
            at = found.end()
            if not found.group(3):
                break
        if values:
            out[name] = tuple(values)
    return out


@dataclass
class _Request:
    backend: Any
    filter_arn: str
    group_arn: str
    values: dict[str, tuple[str, ...]]
    candidates: Candidates
    user_id: str | None
    item_id: str | None
    target: Target

    def index(self, dataset_type: str) -> RecordIndex | None:
        dataset = dataset_of(self.backend, self.group_arn, dataset_type)
        return None if dataset is None else index_of(dataset.table)


def _allowed(expression: FilterExpression, request: _Request) -> np.ndarray:
    for statement in expression.statements:
        _check_applicable(statement, request)
    size = len(request.candidates.ids)
    include, exclude = None, np.zeros(size, dtype=bool)
    for statement in expression.statements:
        if _missing(statement, request.values):
            continue  # an EXCLUDE expression without its values (an INCLUDE one was refused above)
        if statement.when and not _combine(statement.when, lambda c: _user_satisfies(c, request)):
            continue
        mask = _combine(statement.where, lambda c: _mask(c, request))
        if statement.action == "INCLUDE":
            include = mask if include is None else include | mask
        else:
            exclude = exclude | mask
    return ~exclude if include is None else include & ~exclude


def _check_applicable(statement: Statement, request: _Request) -> None:
    where = f"The filter {request.filter_arn}"
    target = request.target
    if statement.target != target.name:
        chosen = TARGETS[statement.target]
        raise InvalidInputException(
            f"{where} chooses {chosen.noun} (EXCLUDE/INCLUDE {chosen.name}); it cannot filter {target.noun}."
        )
    for condition in statement.conditions():
        kind = condition.dataset.upper()
        if (kind if kind == "CURRENTUSER" else DATASETS[kind]) not in target.tests:
            raise InvalidInputException(f"{where} tests {condition.dataset}.{condition.field}; {target.described}.")
        current = next((v.text for v in condition.values if v.kind == "current"), None)
        if request.item_id is None and current is not None:
            raise InvalidInputException(
                f"{where} compares with the current item (CurrentItem.{current}); it applies only to requests for "
                "items related to an itemId, such as those of a RELATED_ITEMS recipe."
            )
    missing = _missing(statement, request.values)
    if missing and statement.action == "INCLUDE":
        raise InvalidInputException(
            f"{where} needs a value for ${missing[0]} in filterValues: an INCLUDE expression needs values for all "
            "its parameters (parameter names are case-sensitive)."
        )


def _missing(statement: Statement, values: dict[str, tuple[str, ...]]) -> list[str]:
    return [
        v.text[1:] for c in statement.conditions() for v in c.values if v.kind == "param" and v.text[1:] not in values
    ]


def _combine(conditions: list[tuple[str, Condition]], test: Callable[[Condition], Any]) -> Any:
    """Conditions joined by AND and OR, AND binding tighter; `test` gives a bool or a mask for one condition."""
    groups: list[Any] = []
    for connective, condition in conditions:
        result = test(condition)
        if groups and connective == "AND":
            groups[-1] = groups[-1] & result
        else:
            groups.append(result)
    out = groups[0]
    for result in groups[1:]:
        out = out | result
    return out


def _mask(condition: Condition, request: _Request) -> np.ndarray:
    """The items of the candidates that satisfy one condition of a WHERE clause."""
    kind = condition.dataset.upper()
    candidates = request.candidates
    if kind == "CURRENTUSER":
        return np.full(len(candidates.ids), _user_satisfies(condition, request))
    if DATASETS[kind] == request.target.interactions:
        return candidates.mask_of(_interacted(condition, request))
    wanted = _wanted(condition, request)
    if condition.field == request.target.key:  # every candidate has its id, with or without a record
        listed = candidates.mask_of(wanted)
        return listed if condition.op in POSITIVE else ~listed
    index = request.index(request.target.records)
    if index is None:
        return np.zeros(len(candidates.ids), dtype=bool)
    key = ("mask", condition.field, condition.op, wanted)
    by_row = index.cache.get(key)
    if by_row is None:
        if len(index.cache) >= _CACHE_LIMIT:
            index.cache.clear()
        column = _column(index, condition.field)
        # one more row, never matching, for the items without a record (row -1)
        by_row = index.cache[key] = np.append(column.mask(condition, wanted), False)
    return by_row[candidates.rows_in(index)]


def _interacted(condition: Condition, request: _Request) -> set[str]:
    """The candidates the asking user interacted with in an event of the condition's types; for a filter of users,
    the users who have interactions of those types."""
    target = request.target
    dataset = dataset_of(request.backend, request.group_arn, target.interactions)
    if dataset is None:
        return set()
    if condition.op in ORDERING:
        raise InvalidInputException(f"The filter {request.filter_arn} compares event types with {condition.op}.")
    same = action_event_type if target is ACTIONS else str.lower  # how event types compare
    wanted = {same(w) or w.lower() for w in _wanted(condition, request)}
    if target is USERS:
        by_type = interaction_history.users_by_event_type(dataset.table)
    else:
        by_type = interaction_history.recent_items(dataset.table, request.user_id)
    kinds = {kind: same(kind) or kind if kind is not None else None for kind in by_type}
    if condition.op in POSITIVE:
        chosen = [by_type[kind] for kind, plain in kinds.items() if "*" in wanted or plain in wanted]
    else:
        chosen = [by_type[kind] for kind, plain in kinds.items() if "*" not in wanted and plain not in wanted | {None}]
    return set().union(*chosen)


def _user_satisfies(condition: Condition, request: _Request) -> bool:
    """Whether the asking user's Users record satisfies a CurrentUser condition (no record: it does not)."""
    index = request.index("USERS")
    if index is None or request.user_id is None:
        return False
    value = np.array([index.value(request.user_id, condition.field)], dtype=object)
    return bool(_Column(value, _field(index, condition.field)).mask(condition, _wanted(condition, request))[0])


def _wanted(condition: Condition, request: _Request) -> tuple[str, ...]:
    """The values a condition compares with, parameters bound and CurrentItem read."""
    out: list[str] = []
    for value in condition.values:
        if value.kind == "param":
            out += request.values[value.text[1:]]
        elif value.kind == "current":
            out += _current_item(value.text, request)
        else:
            out.append(value.text)
    return tuple(out)


def _current_item(field_name: str, request: _Request) -> list[str]:
    index = request.index("ITEMS")
    if index is None or request.item_id is None:
        return []
    found = index.value(request.item_id, field_name)
    if found is None:
        return []
    return str(found).split("|") if _field(index, field_name).categorical else [str(found)]


def _column(index: RecordIndex, name: str) -> _Column:
    key = ("column", name)
    found = index.cache.get(key)
    if found is None:
        found = index.cache[key] = _Column(index.column(name), _field(index, name))
    return found


def _field(index: RecordIndex, name: str) -> Field:
    """A field the filter names; create_filter checked that the dataset's schema has it."""
    found = index.schema.field(name)
    if found is None:
        raise InvalidInputException(f"The filter names {name}, which the dataset's schema no longer has.")
    return found


class _Column:
    """A field's values by row, ready for comparisons: numbers (NaN where missing) for numeric fields; for the
    others, the rows where each value occurs (each of a categorical field's pipe-joined values on its own)."""

    def __init__(self, values: np.ndarray, field: Field):
        self.field = field
        self.present = np.array([v is not None for v in values], dtype=bool)
        self.numeric = field.type in NUMERIC
        if self.numeric:
            self.numbers = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
            return
        self.rows_of: dict[str, list[int]] = {}
        for row, value in enumerate(values):
            if value is not None:
                for token in str(value).split("|") if field.categorical else (str(value),):
                    self.rows_of.setdefault(token, []).append(row)

    def mask(self, condition: Condition, wanted: tuple[str, ...]) -> np.ndarray:
        op = condition.op
        if self.numeric:
            numbers = [self._number(w, condition) for w in wanted]
            if op in ("IN", "NOT IN"):
                hit = np.isin(self.numbers, numbers)
                return hit if op == "IN" else self.present & ~hit
            if not numbers:  # compared with the current item's value, which it lacks
                return np.zeros(len(self.present), dtype=bool)
            if len(numbers) != 1:
                raise InvalidInputException(
                    f"{condition.dataset}.{condition.field} {op} compares with one value; got {len(numbers)}."
                )
            with np.errstate(invalid="ignore"):
                return self.present & _COMPARE[op](self.numbers, numbers[0])
        if op in ORDERING:
            raise InvalidInputException(
                f"{condition.dataset}.{condition.field} is not numeric; only numeric fields compare with {op}."
            )
        hit = np.zeros(len(self.present), dtype=bool)
        for value in wanted:
            hit[self.rows_of.get(value, [])] = True
        return hit if op in POSITIVE else self.present & ~hit

    @staticmethod
    def _number(text: str, condition: Condition) -> float:
        try:
            return float(text)
        except ValueError:
            raise InvalidInputException(
                f"{condition.dataset}.{condition.field} is numeric; {text!r} is not a number."
            ) from None
