"""Tracking: overdue actions, missed reviews, timelines and cost sharing across plans."""
