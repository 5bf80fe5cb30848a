"""auditor.config: find, parse and validate the configuration and the rule packs it loads.

Entry points: `load_config(start, config_file=None) -> AuditorConfig` (raises ConfigError),
`load_config_collecting(...)` (returns every error instead), and
`check_layers_against_modules(config, module_names)` for the checks that need the graph.
"""

from auditor.config.layer_check import check_layers_against_modules
from auditor.config.loader import ConfigErrors, find_config_file, load_config, load_config_collecting

__all__ = [
    "ConfigErrors",
    "check_layers_against_modules",
    "find_config_file",
    "load_config",
    "load_config_collecting",
]
