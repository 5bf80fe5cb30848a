"""`auditor demo`: a small project with a history of human and agent commits, audited nightly."""
