"""Improvement analyses: findings, root causes and baseline KPIs per firm."""
