"""Schemas: Avro records, parsed when created, bound to a dataset type when a dataset uses them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.data.avro import AvroSchema
from personalize_emulator.resources.base import Resource


@dataclass(eq=False)
class Schema(Resource):
    kind = "schema"
    arn_member = "schemaArn"
    has_status = False

    text: str = ""
    domain: str | None = None
    parsed: AvroSchema = field(default=None)  # type: ignore[assignment]

    def details(self) -> dict[str, Any]:
        return {"schema": self.text, "domain": self.domain}
