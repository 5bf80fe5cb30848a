"""`auditor init`: infer the layers of a project and write its first configuration and baseline."""
