"""Improvement-plan pages."""
