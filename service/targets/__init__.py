"""Agreed targets: what each selected supplier (and the buyer) commits to at round tables."""
