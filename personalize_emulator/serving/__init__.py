"""Answering one request with a trained version: filters, promotions, item metadata."""
