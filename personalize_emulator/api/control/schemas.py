"""Schemas: Avro records, parsed and checked when created, bound to a dataset type when a dataset uses them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.api.control.common import delete_unless_used, listing
from personalize_emulator.data.avro import AvroSchema, parse_schema
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import ACTIVE


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


@operation("CreateSchema")
def create_schema(backend, name, schema, domain=None):
    parsed = parse_schema(schema)
    created = backend.add(
        Schema(arn=backend.arn(f"schema/{name}"), name=name, status=ACTIVE, text=schema, domain=domain, parsed=parsed)
    )
    return {"schemaArn": created.arn}


@operation("DescribeSchema")
def describe_schema(backend, schema_arn):
    return {"schema": backend.get(schema_arn, Schema).describe()}


@operation("ListSchemas")
def list_schemas(backend, next_token=None, max_results=None):
    return listing(backend.all(Schema), "schemas", "DatasetSchemaSummary", next_token, max_results)


@operation("DeleteSchema")
def delete_schema(backend, schema_arn):
    from personalize_emulator.api.control.datasets import Dataset

    schema = backend.get(schema_arn, Schema)
    delete_unless_used(backend, schema, backend.all(Dataset, lambda d: d.schema_arn == schema.arn))
