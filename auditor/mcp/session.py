"""The project an MCP server answers for, kept warm between calls.

The configuration is read once and read again only when one of its files changes (stat
signature); the working tree's import graph is kept in memory and patched with the files edited
since (index.warm_tree), and REF's side of `check --base` is kept while the change's file set
holds (mcp.warm_sides); the last check's findings are kept so that `explain` finds a fingerprint
without a new run.
Every answer is plain JSON data. Nothing is written into the repository and nothing of it runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from auditor.config import load_config
from auditor.config.model import AuditorConfig
from auditor.domain import Finding, Status, UsageError
from auditor.graph.model import ImportGraph
from auditor.index.warm_tree import WarmTree
from auditor.mcp.warm_sides import WarmSides, tree_graph
from auditor.pipeline.options import RunOptions
from auditor.support.filestat import signature_of


class ProjectSession:
    def __init__(self, opts: RunOptions) -> None:
        self.opts = opts
        self.lock = threading.Lock()  # one analysis at a time: the caches are not shared
        self._config: AuditorConfig | None = None
        self._config_key: tuple[object, ...] | None = None
        self._last_findings: tuple[Finding, ...] = ()
        self.tree = WarmTree()  # the working tree's graph, patched in memory after edits
        self.sides = WarmSides(self.tree)  # both sides of `check --base`, REF's kept per change

    # -- warm state ---------------------------------------------------------------------------
    def config(self) -> AuditorConfig:
        """The configuration, read again only when a file it came from changed."""
        key = self._config_files_key()
        if self._config is None or key != self._config_key:
            self._config = load_config(self.opts.root, self.opts.config_file)
            self._config_key = self._config_files_key()
        return self._config

    def _roll_date(self) -> None:
        """A server can run for days: exceptions expire against today's date, as in a fresh run
        (unless AUDITOR_TODAY pins the date)."""
        today = dt.date.today()
        if "AUDITOR_TODAY" not in os.environ and self.opts.today != today:
            self.opts = dataclasses.replace(self.opts, today=today)

    def _config_files_key(self) -> tuple[object, ...]:
        config = self._config
        files = [self.opts.config_file or self.opts.root / "pyproject.toml", self.opts.root / "auditor.toml"]
        if config is not None:
            if config.config_path is not None:
                files.append(config.config_path)
            files += [Path(p.path) for p in config.packs if p.path]
        return tuple((str(f), signature_of(str(f))) for f in files)

    def graph(self, config: AuditorConfig) -> ImportGraph:
        return tree_graph(self.tree, self.opts, config)

    def warm(self) -> None:
        """Read the configuration and build the graph (filling the caches) before the first
        call needs them; a problem is left for that call to report."""
        with self.lock:
            try:
                self.graph(self.config())
            except Exception:  # reported by the tool call that meets it
                return

    # -- tools ----------------------------------------------------------------------------------
    def check(self, base: str | None, paths: Sequence[str] | None) -> dict[str, Any]:
        """The change's new findings (against `base`, else the baseline), in the shape of
        `auditor check --format json`, limited to `paths` when given."""
        from auditor.pipeline.agent_queries import limited_to, only_paths
        from auditor.report.writers.jsonreport import report_dict
        from auditor.usecases.check import check_against_base, collect_findings

        chosen = only_paths(self.opts.root, paths) if paths else None
        self._roll_date()
        config = self.config()
        if base:
            result = check_against_base(self.opts, base, metrics=False, config=config, sides=self.sides)
        else:
            result = collect_findings(self.opts, metrics=False, config=config, graph=self.graph(config))
        self._last_findings = result.findings
        new = tuple(f for f in result.findings if f.status is Status.NEW)
        result = limited_to(dataclasses.replace(result, findings=new), chosen)
        return report_dict(result)

    def module_rules(self, module: str) -> dict[str, Any]:
        from auditor.drift.owners import Owners
        from auditor.pipeline.agent_queries import require_module
        from auditor.pipeline.module_rules import module_rules

        config = self.config()
        graph = self.graph(config)
        require_module(graph, module, self.opts.root)
        info = graph.modules[module]
        owners = Owners.from_repo(self.opts.root)
        owner = owners.codeowners_of(info.path) if info.path else None
        return dataclasses.asdict(module_rules(config, graph, module, owner))

    def explain(self, rule: str | None, fingerprint: str | None) -> dict[str, Any]:
        from auditor.usecases.rules_ops import explain

        if bool(rule) == bool(fingerprint):
            raise UsageError("explain: give either 'rule' or 'fingerprint'")
        if rule:
            return dataclasses.asdict(explain(rule, self.opts.root, self.opts.config_file))
        assert fingerprint is not None
        return self._explain_finding(fingerprint)

    def _explain_finding(self, fingerprint: str) -> dict[str, Any]:
        from auditor.pipeline.agent_queries import explain_finding, find_finding
        from auditor.report.writers.jsonreport import finding_to_dict
        from auditor.usecases.check import collect_findings
        from auditor.usecases.rules_ops import explain

        finding = find_finding(fingerprint, self._last_findings)
        if finding is None:
            config = self.config()
            result = collect_findings(self.opts, metrics=False, config=config, graph=self.graph(config))
            finding = find_finding(fingerprint, result.findings)
        if finding is None:
            raise UsageError(f"no finding with fingerprint {fingerprint!r} in the last check or the working tree")
        try:
            parts = explain(finding.rule, self.opts.root, self.opts.config_file)
        except UsageError:
            parts = None
        about = explain_finding(finding, self.config(), parts.instead if parts else "")
        doc: dict[str, Any] = (
            dataclasses.asdict(parts)
            if parts
            else {"title": f"finding of rule '{finding.rule}'", "what": finding.message, "why": "", "example": ""}
        )
        doc.update(
            finding=finding_to_dict(finding),
            chain=[dataclasses.asdict(hop) for hop in about.chain],
            instead=about.instead,
        )
        return doc

    def import_path(self, importer: str, imported: str) -> dict[str, Any]:
        from auditor.pipeline.agent_queries import import_chain, require_module

        graph = self.graph(self.config())
        require_module(graph, importer, self.opts.root)
        require_module(graph, imported, self.opts.root)
        chain = import_chain(graph, importer, imported)
        return {
            "importer": importer,
            "imported": imported,
            "chain": [dataclasses.asdict(hop) for hop in chain] if chain else None,
        }

    # -- resources ------------------------------------------------------------------------------
    def config_document(self) -> dict[str, Any]:
        """The configuration as read (packs merged), as JSON data."""
        return jsonable(dataclasses.asdict(self.config()))

    def packs(self) -> list[tuple[str, Path]]:
        """(name, file) of each rule pack the configuration reads."""
        return [(p.name, Path(p.path)) for p in self.config().packs if p.path]


def jsonable(value: Any) -> Any:
    """`value` as JSON data: tuples as lists, enums by value, paths and dates as text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "items"):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    return str(value)  # paths, dates
