"""Idempotency-Key support for POST requests, shared by every worker through the database."""
