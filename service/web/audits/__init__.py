"""Audit pages: filled section by section with autosave, submitted and reviewed."""
