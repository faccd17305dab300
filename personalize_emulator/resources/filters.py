"""Filters: expressions parsed and checked against the dataset group's schemas when created."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.data.filter_expressions import FilterExpression
from personalize_emulator.resources.base import Resource


@dataclass(eq=False)
class Filter(Resource):
    kind = "filter"
    arn_member = "filterArn"

    dataset_group_arn: str = ""
    expression: str = ""
    parsed: FilterExpression = field(default=None)  # type: ignore[assignment]

    def details(self) -> dict[str, Any]:
        return {"datasetGroupArn": self.dataset_group_arn, "filterExpression": self.expression}

    def depends_on(self) -> tuple[str, ...]:
        return (self.dataset_group_arn,)
