"""Programmes (tenants) and the organizations that take part in them."""
