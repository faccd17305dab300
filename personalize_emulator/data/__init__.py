"""Datasets' data: Avro schemas, tables of records, CSV import, S3 access, bucket policies, filter expressions."""
