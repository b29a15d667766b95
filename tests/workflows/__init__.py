"""Tests of the pure workflows package."""
