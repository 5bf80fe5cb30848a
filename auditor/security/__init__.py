"""auditor.security: layer-scoped security rules run with semgrep, as auditor findings.

Its names are imported on first use (PEP 562): a run that only needs `security.targets`
(every check, for attribution) does not pay for the runner, the renderer and the YAML parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.domain.lazy_names import lazy_names

if TYPE_CHECKING:
    from auditor.security.runner import SecurityOutcome, run_security, scan_targets
    from auditor.security.scope import files_for_layers
    from auditor.security.validate import validate_semgrep_rules

_HOME = {
    "SecurityOutcome": "auditor.security.runner",
    "run_security": "auditor.security.runner",
    "scan_targets": "auditor.security.runner",
    "files_for_layers": "auditor.security.scope",
    "validate_semgrep_rules": "auditor.security.validate",
}
__all__ = ["SecurityOutcome", "files_for_layers", "run_security", "scan_targets", "validate_semgrep_rules"]

__getattr__ = lazy_names(__name__, _HOME)
