"""The HTML report's templates, installed as the data package `auditor._templates` (nothing to import)."""
