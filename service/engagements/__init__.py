"""Engagements (one buyer, its candidate suppliers, one broker), participations and history."""
