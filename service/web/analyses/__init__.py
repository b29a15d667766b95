"""Analysis pages: findings linked to audit answers and evidence, baselines, approval."""
