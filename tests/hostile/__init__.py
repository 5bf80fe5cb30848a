"""Hostile inputs for the auditor, generated on demand (nothing big is checked in)."""
