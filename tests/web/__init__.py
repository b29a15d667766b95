"""Tests of the browser UI (service/web)."""
