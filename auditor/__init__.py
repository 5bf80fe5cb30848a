"""auditor: an architecture-drift auditor for Python codebases."""

__version__ = "0.1.0"
