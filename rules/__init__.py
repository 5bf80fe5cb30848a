"""The built-in rule packs, installed as the data package `auditor._rules` (nothing to import)."""
