"""Convert an import-linter configuration (.importlinter, setup.cfg [importlinter] or
pyproject.toml [tool.importlinter]) into `[tool.auditor]` settings.

Contract option names are shared with import-linter on purpose, so most options carry over as
they are; what auditor has no equivalent for is reported as a note (and kept as a comment).
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.config.toml_source import MAX_FILE_BYTES, read_toml
from auditor.config.toml_writer import Commented
from auditor.domain.errors import ConfigError
from auditor.support.inputs import read_bounded

SECTION = "importlinter"
CANDIDATES = (".importlinter", "setup.cfg", "pyproject.toml")
TYPE_MAP = {
    "layers": "layers",
    "forbidden": "forbidden",
    "independence": "independence",
    "acyclic_siblings": "acyclic",
    "protected": "protected",
}
# import-linter option -> auditor option, per contract type (None: dropped with a note)
OPTION_MAP: dict[str, dict[str, str | None]] = {
    "layers": {
        "layers": "layers",
        "containers": "containers",
        "exhaustive": "exhaustive",
        "exhaustive_ignores": None,
    },
    "forbidden": {
        "source_modules": "source_modules",
        "forbidden_modules": "forbidden_modules",
        "allow_indirect_imports": "allow_indirect_imports",
        "as_packages": None,
    },
    "independence": {"modules": "modules"},
    "acyclic": {"ancestors": "ancestors", "depth": "depth", "skip_descendants": None},
    "protected": {
        "protected_modules": "modules",
        "allowed_importers": "allowed_importers",
        "as_packages": None,
    },
}
LIST_OPTIONS = {
    "layers",
    "containers",
    "source_modules",
    "forbidden_modules",
    "modules",
    "ancestors",
    "allowed_importers",
    "ignore_imports",
}
BOOL_OPTIONS = {"exhaustive", "allow_indirect_imports"}
ALERTING = ("error", "warn", "none")
# session options auditor has no use for, and why (each still gets a note)
SESSION_NOTES = {
    "include_external_packages": "auditor always records imports of external packages",
    "cache_dir": "auditor keeps its cache in your user cache folder (or --cache-dir)",
    "contract_types": "custom contract types have no auditor equivalent",
}
_ID = re.compile(r"[^A-Za-z0-9_.:-]+")


@dataclass
class Conversion:
    settings: dict[str, Any]  # the [tool.auditor] table to write
    source: Path
    notes: list[str] = field(default_factory=list)  # what could not be carried over


def find_import_linter_config(root: Path) -> Path | None:
    for name in CANDIDATES:
        path = root / name
        if not path.is_file():
            continue
        if name == "pyproject.toml":
            if re.search(r"^\s*\[+\s*tool\.importlinter", _read_text(path), re.MULTILINE):
                return path
        elif name == ".importlinter" or re.search(r"^\s*\[importlinter\]", _read_text(path), re.MULTILINE):
            return path
    return None


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"file is larger than {MAX_FILE_BYTES} bytes", path=str(path))
        return read_bounded(path, max_bytes=MAX_FILE_BYTES).decode("utf-8")
    except (OSError, ValueError) as exc:  # RefusedInput (a fifo, a device), UnicodeDecodeError
        raise ConfigError(f"cannot read import-linter config: {exc}", path=str(path)) from None


def read_import_linter(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(session options, contract option dicts) as import-linter itself would read them."""
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        data = read_toml(path).data
        session = data.get("tool", {}).get(SECTION)
        if not isinstance(session, dict):
            raise ConfigError("no [tool.importlinter] table", path=str(path))
        contracts = session.get("contracts", [])
        if not isinstance(contracts, list) or not all(isinstance(c, dict) for c in contracts):
            raise ConfigError("[[tool.importlinter.contracts]] must be an array of tables", path=str(path))
        return {k: v for k, v in session.items() if k != "contracts"}, [dict(c) for c in contracts]
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read_text(path), source=str(path))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"invalid INI: {str(exc).splitlines()[0]}", path=str(path), line=line) from None
    if SECTION not in parser:
        raise ConfigError(f"no [{SECTION}] section", path=str(path))
    session = _ini_section(parser[SECTION])
    contracts = []
    for name in parser.sections():
        if name.startswith(f"{SECTION}:"):
            options = {"id": name.split(":")[-1]}
            options.update(_ini_section(parser[name]))
            contracts.append(options)
    return session, contracts


def _ini_section(section: configparser.SectionProxy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in section.items():
        out[key] = value.strip().split("\n") if "\n" in value.strip() else value.strip()
    return out


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes", "on")


def convert_import_linter(path: Path) -> Conversion:
    session, contracts = read_import_linter(path)
    conversion = Conversion(settings={}, source=path)
    packages = _as_list(session.get("root_packages") or session.get("root_package") or [])
    if packages:
        conversion.settings["packages"] = packages
    skip_type_checking = _as_bool(session.get("exclude_type_checking_imports", False))
    for key in sorted(set(session) - {"root_package", "root_packages", "exclude_type_checking_imports"}):
        why = SESSION_NOTES.get(key, "no auditor equivalent")
        conversion.notes.append(f"session option '{key}' dropped: {why}")
    converted: list[Any] = []
    seen: set[str] = set()
    for index, options in enumerate(contracts, start=1):
        contract = _convert_contract(options, index, skip_type_checking, conversion.notes)
        if contract is None:
            continue
        base, n = contract.value["id"], 2
        while contract.value["id"] in seen:
            contract.value["id"] = f"{base}-{n}"
            n += 1
        seen.add(contract.value["id"])
        converted.append(contract)
    if converted:
        conversion.settings["contracts"] = converted
    return conversion


def _convert_contract(
    options: dict[str, Any], index: int, skip_type_checking: bool, notes: list[str]
) -> Commented | None:
    name = str(options.get("name", "")).strip()
    raw_id = str(options.get("id") or name or f"contract-{index}")
    contract_id = _ID.sub("-", raw_id).strip("-").lower() or f"contract-{index}"
    li_type = str(options.get("type", "")).strip()
    kind = TYPE_MAP.get(li_type)
    if kind is None:
        notes.append(f"contract '{contract_id}': type '{li_type}' is not supported; skipped")
        return None
    out: dict[str, Any] = {"id": contract_id, "type": kind}
    mapping = OPTION_MAP[kind]
    for key, value in options.items():
        if key in ("id", "name", "type"):
            continue
        if key == "ignore_imports":
            out["ignore_imports"] = _as_list(value)
        elif key == "unmatched_ignore_imports_alerting":
            level = str(value).strip().lower()
            if level in ALERTING:
                out[key] = level
            else:
                notes.append(
                    f"contract '{contract_id}': {key} = {value!r} is not one of {', '.join(ALERTING)}; "
                    "dropped (auditor's default is error)"
                )
        elif key == "broken_contract_guidance":
            out["guidance"] = str(value).strip()
        elif key in mapping and mapping[key] is not None:
            target = str(mapping[key])
            out[target] = _as_list(value) if target in LIST_OPTIONS else _convert_scalar(target, value)
        else:
            notes.append(f"contract '{contract_id}': option '{key}' has no auditor equivalent; dropped")
    if skip_type_checking:
        out["ignore_kinds"] = ["type_checking"]
    comments = [f"from import-linter contract: {name}"] if name else []
    return Commented(out, comments)


def _convert_scalar(key: str, value: Any) -> Any:
    if key in BOOL_OPTIONS:
        return _as_bool(value)
    if key == "depth":
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    return value
