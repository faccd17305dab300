"""Thin handlers, one function per operation: the control plane (`control/`), the runtime and the events API."""
