"""Engagement pages and tracking."""
