"""auditor.security: layer-scoped security rules run with semgrep, as auditor findings."""

from auditor.security.runner import SecurityOutcome, run_security, scan_targets
from auditor.security.scope import files_for_layers
from auditor.security.validate import validate_semgrep_rules

__all__ = ["SecurityOutcome", "files_for_layers", "run_security", "scan_targets", "validate_semgrep_rules"]
