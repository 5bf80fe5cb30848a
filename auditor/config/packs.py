"""Rule packs: versioned TOML files with [pack] metadata, default [layers], [[contracts]],
[[exceptions]] and [[semgrep]] rule references. Loaded by path or as `builtin:NAME`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from auditor import __version__
from auditor.config.fields import FieldReader
from auditor.config.model import ContractSpec, ExceptionSpec, Location, PackInfo, SemgrepRuleRef
from auditor.config.sections import read_contract, read_exception, read_pattern_groups
from auditor.config.toml_source import read_toml
from auditor.domain.errors import ConfigError
from auditor.support.resources import rules_dir

BUILTIN_PREFIX = "builtin:"
PACK_KEYS = ("pack", "layers", "contracts", "exceptions", "semgrep")
PACK_META_KEYS = ("name", "version", "description", "requires", "include")
SEMGREP_KEYS = ("rules", "only_layers", "except_layers", "prefer_layers", "params")
# semver.org's own grammar (MAJOR.MINOR.PATCH[-pre][+build])
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_PACK_HEADER = re.compile(r"^\s*\[\s*pack\s*\]", re.MULTILINE)
_BUILTIN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class LoadedPack:
    info: PackInfo
    layers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    layer_locations: dict[str, Location] = field(default_factory=dict)
    contracts: list[tuple[ContractSpec, bool]] = field(default_factory=list)
    exceptions: list[ExceptionSpec] = field(default_factory=list)
    semgrep_rules: list[SemgrepRuleRef] = field(default_factory=list)


def builtin_pack_names() -> list[str]:
    """Names usable as `builtin:NAME`: rules/NAME.toml with a [pack] table, or rules/NAME/pack.toml."""
    base = rules_dir()
    names = {p.parent.name for p in base.glob("*/pack.toml")}
    for path in base.glob("*.toml"):
        try:
            if _PACK_HEADER.search(path.read_text(encoding="utf-8", errors="replace")):
                names.add(path.stem)
        except OSError:
            continue
    return sorted(names)


def resolve_pack_ref(ref: str, base_dir: Path, confine_to: Path | None) -> Path:
    """`builtin:NAME` or a relative path (inside `confine_to` when given). Raises ValueError."""
    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX) :]
        if not _BUILTIN_NAME.match(name):
            raise ValueError(f"'{ref}' is not a built-in pack name (lowercase letters, digits, - or _)")
        for candidate in (rules_dir() / f"{name}.toml", rules_dir() / name / "pack.toml"):
            if candidate.is_file():
                return candidate.resolve()
        known = ", ".join(builtin_pack_names()) or "none"
        raise ValueError(f"no built-in pack '{name}' (built-in packs: {known})")
    return confined_path(ref, base_dir, confine_to, what="pack", must_be_file=True)


def confined_path(
    ref: str, base_dir: Path, confine_to: Path | None, *, what: str, must_be_file: bool
) -> Path:
    if not ref.strip():
        raise ValueError(f"empty {what} path")
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref) or ref.startswith("~"):
        raise ValueError(f"absolute {what} path {ref!r} is not allowed; give a path relative to the file")
    target = (base_dir / ref).resolve()
    if confine_to is not None:
        root = confine_to.resolve()
        if target != root and root not in target.parents:
            raise ValueError(f"{what} path {ref!r} leaves {root} (path traversal is not allowed)")
    if must_be_file and not target.is_file():
        raise ValueError(f"{what} file {ref!r} not found (looked for {target})")
    if not must_be_file and not target.exists():
        raise ValueError(f"{what} path {ref!r} not found (looked for {target})")
    return target


class PackLoader:
    """Loads packs and their includes depth-first, each file once, rejecting include cycles."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        self.packs: list[LoadedPack] = []
        self._done: set[Path] = set()

    def load(self, path: Path, ref: str, stack: tuple[Path, ...] = ()) -> None:
        path = path.resolve()
        if path in self._done:
            return
        self._done.add(path)
        try:
            doc = read_toml(path)
        except ConfigError as exc:
            self.errors.append(exc)
            return
        reader = FieldReader(doc, self.errors)
        data = doc.data
        reader.check_keys(data, (), PACK_KEYS, "a rule pack")
        meta = reader.table(data, (), "pack")
        reader.check_keys(meta, ("pack",), PACK_META_KEYS, "[pack]")
        if "pack" in data:
            info = self._read_info(reader, meta, path, ref)
        else:
            reader.fail((), "missing [pack] table (name, version, description, requires)")
            info = PackInfo(name=path.stem, version="0.0.0", path=str(path), ref=ref)
        for include_ref in reader.string_list(meta, ("pack",), "include"):
            try:
                target = resolve_pack_ref(include_ref, path.parent, path.parent)
            except ValueError as exc:
                reader.fail(("pack", "include"), str(exc))
                continue
            chain = (*stack, path)
            if target in chain:
                cycle = " -> ".join(p.name for p in (*chain[chain.index(target) :], target))
                reader.fail(
                    ("pack", "include"),
                    "pack includes itself" if target == path else f"pack include cycle: {cycle}",
                )
                continue
            self.load(target, include_ref, chain)
        pack = LoadedPack(info)
        pack.layers, pack.layer_locations = read_pattern_groups(reader, data, (), "layers")
        for item_path, table in reader.table_list(data, (), "contracts"):
            contract = read_contract(reader, item_path, table, info.name)
            if contract is not None:
                pack.contracts.append(contract)
        for item_path, table in reader.table_list(data, (), "exceptions"):
            exception = read_exception(reader, item_path, table, info.name)
            if exception is not None:
                pack.exceptions.append(exception)
        for item_path, table in reader.table_list(data, (), "semgrep"):
            self._read_semgrep(reader, item_path, table, path.parent, pack)
        self.packs.append(pack)

    def _read_info(self, reader: FieldReader, meta: dict[str, object], path: Path, ref: str) -> PackInfo:
        where = ("pack",)
        name = reader.string(meta, where, "name", required=True) or path.stem
        version = reader.string(meta, where, "version", required=True) or "0.0.0"
        if "version" in meta and isinstance(meta["version"], str) and not SEMVER.match(version):
            reader.fail(
                (*where, "version"),
                f"pack version '{version}' is not semver (expected MAJOR.MINOR.PATCH, e.g. 1.2.0)",
            )
        requires = reader.string(meta, where, "requires") or ""
        # a built-in pack ships inside this auditor's wheel: its range holds by construction,
        # and checking it would import `packaging` (~11 ms) on every run that uses the default
        if requires and not ref.startswith("builtin:"):
            from packaging.specifiers import InvalidSpecifier, SpecifierSet  # lazy: ~15 ms to import
            from packaging.version import Version

            try:
                spec = SpecifierSet(requires)
            except InvalidSpecifier:
                reader.fail(
                    (*where, "requires"),
                    f"'requires' is not a version range: {requires!r} (expected e.g. '>=0.1,<1')",
                )
            else:
                if not spec.contains(Version(__version__), prereleases=True):
                    reader.fail(
                        (*where, "requires"),
                        f"pack '{name}' requires auditor {requires}, but this is auditor {__version__}",
                    )
        description = reader.string(meta, where, "description") or ""
        return PackInfo(
            name=name, version=version, description=description, requires=requires, path=str(path), ref=ref
        )

    def _read_semgrep(
        self,
        reader: FieldReader,
        item_path: tuple[str | int, ...],
        table: dict[str, object],
        pack_dir: Path,
        pack: LoadedPack,
    ) -> None:
        reader.check_keys(table, item_path, SEMGREP_KEYS, "[[semgrep]]")
        rules = reader.string(table, item_path, "rules", required=True)
        only = reader.string_list(table, item_path, "only_layers")
        except_ = reader.string_list(table, item_path, "except_layers")
        prefer = reader.string_list(table, item_path, "prefer_layers")
        given = [
            key
            for key, names in (("only_layers", only), ("except_layers", except_), ("prefer_layers", prefer))
            if names
        ]
        if len(given) > 1:
            reader.fail(
                (*item_path, given[-1]),
                "give one of 'only_layers', 'except_layers' and 'prefer_layers', not several",
            )
        params = reader.table(table, item_path, "params")
        if rules is None:
            return
        try:
            target = confined_path(rules, pack_dir, pack_dir, what="semgrep rules", must_be_file=False)
        except ValueError as exc:
            reader.fail((*item_path, "rules"), str(exc))
            return
        if target.is_file() and target.suffix not in (".yaml", ".yml"):
            reader.fail(
                (*item_path, "rules"), f"semgrep rules {rules!r} must be a .yaml/.yml file or a directory"
            )
            return
        line, column = reader.doc.where(item_path)
        pack.semgrep_rules.append(
            SemgrepRuleRef(
                path=str(target),
                pack=pack.info.name,
                only_layers=only,
                except_layers=except_,
                prefer_layers=prefer,
                params=params,
                location=Location(reader.doc.path, line, column),
            )
        )
