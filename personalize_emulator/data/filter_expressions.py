"""The filter expression language of Amazon Personalize, parsed into a tree and checked against the schemas.

    EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")
    INCLUDE ItemID WHERE Items.GENRE IN ($GENRES) AND Items.PRICE < 20 IF CurrentUser.AGE >= 18
    EXCLUDE ItemID WHERE Items.ITEM_ID IN ("a", "b") | INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE

The IF clause tests only the user asking (`CurrentUser.FIELD`, a field of the Users schema), as AWS documents.

An expression that does not parse, or that names a field the schemas lack, is refused with AWS's opening words
("Could not create filter.", its guide's error messages), then where (the character position) and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from personalize_emulator.data.avro import NUMERIC, AvroSchema
from personalize_emulator.errors import InvalidInputException

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<param>\$[A-Za-z0-9_]+)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(),|*])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
    )""",
    re.VERBOSE,
)
TARGETS = {"ITEMID": "ItemID", "ACTIONID": "ActionID", "USERID": "UserID"}
DATASETS = {
    "ITEMS": "ITEMS",
    "INTERACTIONS": "INTERACTIONS",
    "USERS": "USERS",
    "CURRENTITEM": "ITEMS",
    "CURRENTUSER": "USERS",
    "ACTIONS": "ACTIONS",
    "ACTIONINTERACTIONS": "ACTION_INTERACTIONS",
    "ACTION_INTERACTIONS": "ACTION_INTERACTIONS",
}
COMPARISONS = {"=", "!=", "<", ">", "<=", ">="}
REFUSED = "Could not create filter."


@dataclass(frozen=True)
class Value:
    kind: str  # "string", "number", "param", "current" (CurrentItem.FIELD) or "any" (*)
    text: str


@dataclass(frozen=True)
class Condition:
    dataset: str  # as written: Items, Interactions, Users, CurrentUser, ...
    field: str
    op: str  # IN, NOT IN, =, !=, <, >, <=, >=
    values: tuple[Value, ...]


@dataclass
class Statement:
    action: str  # EXCLUDE or INCLUDE
    target: str  # ItemID, ActionID or UserID
    where: list[tuple[str, Condition]] = field(default_factory=list)  # (connective, condition); first is "AND"
    when: list[tuple[str, Condition]] = field(default_factory=list)  # the IF clause

    def conditions(self) -> list[Condition]:
        return [c for _, c in self.where + self.when]


@dataclass
class FilterExpression:
    statements: list[Statement]

    @property
    def fields(self) -> set[tuple[str, str]]:
        """The distinct dataset fields it reads, as (dataset type, field): what AWS's quotas on filters count."""
        named = {(DATASETS[c.dataset.upper()], c.field) for s in self.statements for c in s.conditions()}
        current = {("ITEMS", v.text) for s in self.statements for c in s.conditions() for v in c.values
                   if v.kind == "current"}  # fmt: skip
        return named | current

    @property
    def parameters(self) -> set[str]:
        """The `$PARAM` placeholders, bound from `filterValues` at request time (names without the `$`)."""
        return {v.text[1:] for s in self.statements for c in s.conditions() for v in c.values if v.kind == "param"}


class _Tokens:
    def __init__(self, text: str):
        self.text = text
        self.items: list[tuple[str, str, int]] = []
        position = 0
        while position < len(text):
            if not text[position:].strip():
                break
            match = _TOKEN.match(text, position)
            if not match:
                at = len(text) - len(text[position:].lstrip())
                _fail(text, at, f"unexpected character {text[at]!r}")
            kind = str(match.lastgroup)  # every alternative of the token pattern is a named group
            self.items.append((kind, match.group(kind), match.start(kind)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def next(self, expected: str) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            _fail(self.text, len(self.text), f"expected {expected}, but the expression ended")
        self.index += 1
        return token

    def word(self, *choices: str) -> str:
        kind, value, at = self.next(" or ".join(choices))
        if kind != "word" or value.upper() not in choices:
            _fail(self.text, at, f"expected {' or '.join(choices)}, found {value!r}")
        return value.upper()

    def at_word(self, *choices: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].upper() in choices


def refuse(detail: str) -> NoReturn:
    """Refuse the expression with AWS's words first, then `detail`."""
    raise InvalidInputException(f"{REFUSED} {detail}")


def _fail(text: str, at: int, problem: str) -> NoReturn:
    refuse(f"Invalid filter expression at character {at + 1}: {problem}. Expression: {text}")


def parse(text: str) -> FilterExpression:
    """Parse a filter expression, or raise `InvalidInputException` saying where it goes wrong."""
    tokens = _Tokens(text)
    statements = [_statement(tokens)]
    while tokens.peek() is not None:
        kind, value, at = tokens.next("|")
        if value != "|":
            _fail(text, at, f"expected '|', AND, OR or IF, found {value!r}")
        statements.append(_statement(tokens))
    return FilterExpression(statements)


def _statement(tokens: _Tokens) -> Statement:
    action = tokens.word("EXCLUDE", "INCLUDE")
    kind, value, at = tokens.next("ItemID, ActionID or UserID")
    if value.upper() not in TARGETS:
        _fail(tokens.text, at, f"expected ItemID, ActionID or UserID, found {value!r}")
    statement = Statement(action, TARGETS[value.upper()])
    tokens.word("WHERE")
    statement.where = _conditions(tokens)
    if tokens.at_word("IF"):
        tokens.next("IF")
        statement.when = _conditions(tokens, current_user=True)
    return statement


def _conditions(tokens: _Tokens, current_user: bool = False) -> list[tuple[str, Condition]]:
    """Conditions joined by AND or OR; AWS lets them use only the dataset of the first one."""
    first = _condition(tokens, current_user)
    out = [("AND", first)]
    while tokens.at_word("AND", "OR"):
        connective = tokens.word("AND", "OR")
        start = tokens.peek()
        assert start is not None  # the caller saw a connective, so a condition follows or parsing fails
        condition = _condition(tokens, current_user)
        if DATASETS[condition.dataset.upper()] != DATASETS[first.dataset.upper()]:
            _fail(
                tokens.text,
                start[2],
                f"a condition on {condition.dataset} cannot join one on {first.dataset} with {connective}; "
                "chain a second expression with '|' instead",
            )
        out.append((connective, condition))
    return out


def _condition(tokens: _Tokens, current_user: bool = False) -> Condition:
    kind, value, at = tokens.next("a field such as Items.GENRE")
    dataset, _, name = value.partition(".")
    if kind != "word" or not name or dataset.upper() not in DATASETS:
        _fail(tokens.text, at, f"expected a field such as Items.GENRE or Interactions.EVENT_TYPE, found {value!r}")
    if current_user and dataset.upper() != "CURRENTUSER":
        expected = "a field of the user asking, such as CurrentUser.AGE, after IF"
        _fail(tokens.text, at, f"expected {expected}, found {value!r}")
    if DATASETS[dataset.upper()] in ("INTERACTIONS", "ACTION_INTERACTIONS") and name != "EVENT_TYPE":
        why = "interactions are filtered only by event type"
        _fail(tokens.text, at, f"expected {dataset}.EVENT_TYPE ({why}), found {value!r}")
    kind, op, op_at = tokens.next("IN, NOT IN, =, !=, <, >, <= or >=")
    if kind == "word" and op.upper() == "NOT":
        tokens.word("IN")
        op = "NOT IN"
    elif kind == "word" and op.upper() == "IN":
        op = "IN"
    elif kind != "op":
        _fail(tokens.text, op_at, f"expected IN, NOT IN, =, !=, <, >, <= or >=, found {op!r}")
    first = tokens.index
    values = _value_list(tokens) if op in ("IN", "NOT IN") else _single_value(tokens)
    if op == "NOT IN":
        param = next((t for t in tokens.items[first : tokens.index] if t[0] == "param"), None)
        if param is not None:  # AWS's words (its guide's error messages), then where and what to do instead
            refuse(
                f"Invalid input symbol: {param[1]}. Placeholders are not allowed with NOT_IN operator. "
                f"At character {param[2] + 1}: use IN with the opposite action (EXCLUDE instead of INCLUDE, or the "
                f"reverse). Expression: {tokens.text}"
            )
    return Condition(dataset, name, op, values)


def _value_list(tokens: _Tokens) -> tuple[Value, ...]:
    """`("a", "b")`, `($PARAM)`, or a bare `CurrentItem.FIELD` (AWS's docs write `Items.GENRE IN CurrentItem.GENRE`)."""
    token = tokens.peek()
    if token is not None and token[0] == "word" and token[1].upper().startswith("CURRENTITEM."):
        return (_value(tokens),)
    kind, value, at = tokens.next("'(' opening a list of values")
    if value != "(":
        _fail(tokens.text, at, f"expected '(' opening a list of values, found {value!r}")
    values = [_value(tokens)]
    while True:
        kind, value, at = tokens.next("',' or ')'")
        if value == ")":
            return tuple(values)
        if value != ",":
            _fail(tokens.text, at, f"expected ',' or ')', found {value!r}")
        values.append(_value(tokens))


def _single_value(tokens: _Tokens) -> tuple[Value, ...]:
    """The value a comparison takes, bare or in parentheses (AWS's docs write `Actions.VALUE > ($VALUE)`)."""
    token = tokens.peek()
    if token is None or token[1] != "(":
        return (_value(tokens),)
    tokens.next("'('")
    value = _value(tokens)
    kind, text, at = tokens.next("')'")
    if text != ")":
        _fail(tokens.text, at, f"expected ')', found {text!r}")
    return (value,)


def _value(tokens: _Tokens) -> Value:
    kind, value, at = tokens.next('a value: "text", a number, $PARAMETER or CurrentItem.FIELD')
    if kind == "string":
        return Value("string", value[1:-1].replace('\\"', '"'))
    if kind in ("number", "param"):
        return Value(kind, value)
    if value == "*":
        return Value("any", value)
    if kind == "word" and value.upper().startswith("CURRENTITEM."):
        return Value("current", value.partition(".")[2])
    _fail(tokens.text, at, f'expected a value: "text", a number, $PARAMETER or CurrentItem.FIELD, found {value!r}')


def check_fields(expression: FilterExpression, fields_by_type: dict[str, set[str]], text: str) -> None:
    """Every field the expression names must be in the schema of its dataset in the group."""
    for statement in expression.statements:
        for condition in statement.conditions():
            dataset_type = DATASETS[condition.dataset.upper()]
            known = fields_by_type.get(dataset_type)
            if known is None:
                refuse(
                    f"The filter refers to {condition.dataset}.{condition.field}, but the dataset group has no "
                    f"{dataset_type} dataset. Expression: {text}"
                )
            event_type = condition.field == "EVENT_TYPE" and dataset_type in ("INTERACTIONS", "ACTION_INTERACTIONS")
            if condition.field not in known and not event_type:
                refuse(
                    f"The filter refers to {condition.dataset}.{condition.field}, which the {dataset_type} schema "
                    f"does not have (it has {', '.join(sorted(known))}). Expression: {text}"
                )
            for value in condition.values:
                if value.kind == "current" and value.text not in fields_by_type.get("ITEMS", set()):
                    refuse(f"CurrentItem.{value.text} is not a field of the ITEMS schema. Expression: {text}")


def check_types(expression: FilterExpression, schemas: dict[str, AvroSchema], text: str) -> None:
    """AWS compares only numeric fields with <, >, <= and >=, and filters on no boolean field (its guide: use a
    string field with "True" and "False", or 0 and 1)."""
    for statement in expression.statements:
        for condition in statement.conditions():
            dataset_type = DATASETS[condition.dataset.upper()]
            schema = schemas.get(dataset_type)
            found = schema.field(condition.field) if schema else None
            kind = "string" if found is None else found.type  # EVENT_TYPE, which the schema may leave out
            named = f"{condition.dataset}.{condition.field}"
            if kind == "boolean":  # "Could not create filter. Invalid Expression...", the guide's words (elided)
                refuse(
                    f"Invalid Expression. The filter refers to {named}, a boolean field; filters cannot test boolean "
                    f'fields (use a string field with "True" and "False", or an int with 0 and 1). Expression: {text}'
                )
            if condition.op in ("<", ">", "<=", ">=") and kind not in NUMERIC:
                refuse(
                    f"The filter compares {named}, a {kind} field, with {condition.op}; only numeric fields compare "
                    f"with <, >, <= and >=. Expression: {text}"
                )
