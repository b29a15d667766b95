"""Partnership decisions: what the buyer decided about each supplier at the end."""
