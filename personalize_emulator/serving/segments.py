"""User segments: each input line of a batch segment job answered by a USER_SEGMENTATION solution version.

Lines as the guide's "Preparing input data for user segments" shows them: `{"itemId": "105"}` for Item-Affinity,
`{"itemAttributes": "ITEMS.genres = \"Comedy\" AND ITEMS.genres = \"Action\""}` for Item-Attribute-Affinity, either
with `filterValues`. The answer is the output AWS's service wrote in its executed samples (the guide shows another
key, `recommendedUsers`): `{"input": ..., "output": {"usersList": [...]}, "error": null}`.

Attribute expressions take only `=` and `AND`, as documented: `ITEMS.<COLUMN> = "<value>"` or a number, `\\` escaping
a quote or any other character. Columns match the Items schema without case, as AWS's samples write them both ways.
"""

from __future__ import annotations

import re
from typing import Any

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.recipes.affinity import AffinityModel, ItemAttributeAffinity, token
from personalize_emulator.resources.batch_segment_jobs import BatchSegmentJob
from personalize_emulator.resources.solutions import SolutionVersion
from personalize_emulator.serving import filtering
from personalize_emulator.serving.batch import JsonLines, string_map

_TERM = re.compile(
    r'\s*ITEMS\.(?P<column>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"(?P<text>(?:[^"\\]|\\.)*)"|(?P<number>-?\d+(?:\.\d+)?))\s*',
    re.IGNORECASE,
)
_AND = re.compile(r"AND\b", re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)")


def parse_item_attributes(text: str) -> list[tuple[str, str, bool]]:
    """`ITEMS.A = "x" AND ITEMS.B = 5` as [("A", "x", False), ("B", "5", True)]: (column, value, whether a bare
    number), or `InvalidInputException` saying where it goes wrong."""
    terms, at = [], 0
    while True:
        found = _TERM.match(text, at)
        if found is None:
            raise InvalidInputException(
                f'itemAttributes must be terms such as ITEMS.GENRES = "Comedy" joined by AND; character {at + 1} of '
                f"{text!r} does not start one."
            )
        if found.group("number") is not None:
            terms.append((found.group("column"), found.group("number"), True))
        else:
            terms.append((found.group("column"), _ESCAPED.sub(r"\1", found.group("text")), False))
        at = found.end()
        if at == len(text):
            return terms
        joined = _AND.match(text, at)
        if joined is None:
            raise InvalidInputException(
                f"itemAttributes joins terms only with AND; character {at + 1} of {text!r} is not AND."
            )
        at = joined.end()


class SegmentAnswerer(JsonLines):
    """The users of each line's segment, through the job's filter of users when it has one."""

    def __init__(self, backend, version: SolutionVersion, job: BatchSegmentJob):
        super().__init__(backend, version, job)
        model = version.trained
        assert isinstance(model, AffinityModel)  # CreateBatchSegmentJob takes USER_SEGMENTATION versions only
        self.model = model
        self.by_attributes = isinstance(version.solution.recipe, ItemAttributeAffinity)
        self.example = (
            '{"itemAttributes": "ITEMS.GENRES = \\"Comedy\\""}' if self.by_attributes else '{"itemId": "105"}'
        )
        self.candidates = filtering.Candidates(model.users) if job.filter_arn else None

    def output(self, request: dict[str, Any]) -> dict[str, Any]:
        items = self._items(request) if self.by_attributes else [self._item(request)]
        excluded: frozenset[str] = frozenset()
        if self.job.filter_arn and self.candidates is not None:
            excluded = filtering.excluded(
                self.backend,
                self.job.filter_arn,
                string_map(request, "filterValues"),
                group_arn=self.version.solution.dataset_group_arn,
                candidates=self.candidates,
                target=filtering.USERS,
            )
        return {"usersList": self.model.segment(items, self.job.num_results, excluded)}

    def _item(self, request: dict[str, Any]) -> str:
        item = request.get("itemId")
        if not isinstance(item, str) or not item:
            raise InvalidInputException(
                'Each input line of an Item-Affinity batch segment job needs an itemId, such as {"itemId": "105"}.'
            )
        if not self.model.knows_item(item):
            raise InvalidInputException(
                f"The item {item} was not in the data when the solution version was trained; an item gets a user "
                "segment only if it was present then."
            )
        return item

    def _items(self, request: dict[str, Any]) -> list[str]:
        text = request.get("itemAttributes")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputException(
                "Each input line of an Item-Attribute-Affinity batch segment job needs itemAttributes, such as "
                '{"itemAttributes": "ITEMS.GENRES = \\"Comedy\\""}.'
            )
        conditions = []
        for column, value, bare in parse_item_attributes(text):
            numeric = self.model.columns.get(column.upper())
            if numeric is None:
                known = ", ".join(f"ITEMS.{c}" for c in sorted(self.model.columns)) or "none"
                raise InvalidInputException(
                    f"ITEMS.{column} is not an item attribute the solution version was trained with (the Items "
                    f"dataset's non-textual metadata: {known})."
                )
            if numeric:
                try:
                    value = token(float(value))
                except ValueError:
                    raise InvalidInputException(f"ITEMS.{column} is numeric; {value!r} is not a number.") from None
            elif bare:
                raise InvalidInputException(f'ITEMS.{column} holds text: write its value in double quotes, "{value}".')
            conditions.append((column.upper(), value))
        items = self.model.items_with(conditions)
        if not items:
            raise InvalidInputException(
                f"No item had {text} when the solution version was trained; an item attribute gets a user segment "
                "only if it was present then."
            )
        return items
