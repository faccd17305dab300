"""Durable state for `serve --data-dir`: SQLite, recovery after a restart, safe (de)serialisation."""
