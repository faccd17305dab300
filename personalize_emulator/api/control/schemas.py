"""Schemas: Avro records, parsed and checked when created, bound to a dataset type when a dataset uses them."""

from __future__ import annotations

from personalize_emulator.api.control.common import listing
from personalize_emulator.data.avro import parse_schema
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources import quotas
from personalize_emulator.resources.lifecycle import ACTIVE
from personalize_emulator.resources.schemas import Schema


@operation("CreateSchema")
def create_schema(backend, name, schema, domain=None):
    parsed = parse_schema(schema)
    created = backend.add(
        Schema(arn=backend.arn(f"schema/{name}"), name=name, status=ACTIVE, text=schema, domain=domain, parsed=parsed),
        admit=quotas.active(backend, "active_schemas", Schema, "schema"),
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
    backend.delete(backend.get(schema_arn, Schema))
