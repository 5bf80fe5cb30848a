"""Benchmark: how many KNOWN vulnerabilities each tool finds, and how much noise it makes.

Ground truth: benchmarks/security_truth/<app>.toml, written by hand (see its README). Each app is
cloned from a local bare mirror (MIRRORS/<owner>+<name>/repo) into CACHE/apps/<name> at the pinned
commit; a missing mirror is reported and the app skipped. Tools, each run as a user would:

  auditor              AUDITOR check APP --format json, with a minimal auditor.toml in the clone
                       (packs = ["builtin:python-security"]); its security findings only
  bandit               bandit -r . -f json --severity-level medium --confidence-level medium
                       (medium and high only: bandit's LOW results are mostly style, e.g. every
                       `assert`, `import subprocess`, try/except/pass)
  semgrep-community    semgrep scan --config RULES/python (a clone of semgrep-rules, measurement
                       only, never copied); findings of rules whose metadata.category is security
  semgrep-plain        semgrep scan with the rule files of AUDITOR's python-security pack, as they
                       are (unrendered): the whole-process time the auditor is compared with

A finding matches a known vulnerability when it is in the same file and its line is within the
truth's line range +/- --tolerance (default 0: the ranges cover whole statements). Findings under an
app's `ignore` globs are dropped for every tool; identical (file, line, rule) findings count once.
Recall counts the code-, template- and config-level vulnerabilities; precision is the share of
findings that match any listed vulnerability (logic and dependency ones included).
Noise: findings per KLOC (non-blank Python lines) on clean Django, Flask and requests (copied from
CLEAN into CACHE/clean first, so nothing is written next to the originals).
Time: whole-process wall time; auditor and semgrep-plain: median of --repeats runs taken
alternately after the first (auditor's parse cache warm, as on a nightly run), the others: the
one run. The ratio is the sum over the apps of auditor's medians / semgrep-plain's.

    .venv/bin/python benchmarks/bench_security_quality.py [--repeats 3] [--json out.json]
    .venv/bin/python benchmarks/bench_security_quality.py --auditor /work/wt/OTHER/.venv/bin/auditor
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COUNTED = ("code", "template", "config")
TOOLS = ("auditor", "bandit", "semgrep-community", "semgrep-plain")
CLEAN = {"django": "django-5.2", "flask": "flask-3.1.0", "requests": "requests-2.32.3"}
MINIMAL_CONFIG = 'packs = ["builtin:python-security"]\n'
ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}


@dataclass(frozen=True)
class Vuln:
    id: str
    cwe: str
    level: str
    locations: tuple[tuple[str, int, int], ...]

    def matches(self, path: str, line: int, tolerance: int) -> bool:
        return any(p == path and a - tolerance <= line <= b + tolerance for p, a, b in self.locations)


@dataclass
class App:
    name: str
    repo: str
    commit: str
    ignore: tuple[str, ...]
    vulns: list[Vuln]
    root: Path | None = None  # the clone, once prepared


@dataclass
class Run:
    findings: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, rule)
    seconds: list[float] = field(default_factory=list)
    error: str | None = None


def load_truth(folder: Path) -> list[App]:
    apps = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        meta = data["app"]
        vulns = [
            Vuln(
                v["id"],
                v["cwe"],
                v["level"],
                tuple((loc["path"], loc["lines"][0], loc["lines"][1]) for loc in v["locations"]),
            )
            for v in data["vuln"]
        ]
        apps.append(App(meta["name"], meta["repo"], meta["commit"], tuple(meta.get("ignore", ())), vulns))
    return apps


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def prepare_app(app: App, mirrors: Path, cache: Path) -> str | None:
    """Clone (or reuse) the app at its commit; returns why it is skipped, or None."""
    mirror = mirrors / app.repo.replace("/", "+") / "repo"
    target = cache / "apps" / app.name
    if not (target / ".git").is_dir():
        if not mirror.is_dir():
            return f"no mirror at {mirror}"
        target.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "-q", "--no-checkout", str(mirror), str(target))
    if git("rev-parse", "HEAD", cwd=target) != app.commit or git("status", "--porcelain", "-uno", cwd=target):
        git("checkout", "-q", "--force", "--detach", app.commit, cwd=target)
    (target / "auditor.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    exclude = target / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    if "/auditor.toml" not in (exclude.read_text(encoding="utf-8") if exclude.exists() else ""):
        with exclude.open("a", encoding="utf-8") as out:
            out.write("\n/auditor.toml\n")  # the tree stays as the app ships it
    app.root = target
    return None


def prepare_clean(name: str, source_root: Path, cache: Path) -> Path | None:
    source = source_root / CLEAN[name]
    if not source.is_dir():
        return None
    target = cache / "clean" / CLEAN[name]
    if not target.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.dist-info", "__pycache__"))
    (target / "auditor.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    return target


def community_rules(source: Path, cache: Path) -> Path | None:
    if (source / "python").is_dir():
        return source / "python"
    target = cache / "semgrep-rules"
    if not (target / "python").is_dir():
        if not source.is_dir():
            return None
        git("clone", "-q", str(source), str(target))
    return target / "python"


def pack_rule_files(auditor: Path) -> list[str]:
    """The rule files of the python-security pack of the auditor at `auditor` (its own install)."""
    code = (
        "import tomllib; from auditor.support.resources import rules_dir; d = rules_dir(); "
        "print('\\n'.join(str(d / e['rules']) for e in "
        "tomllib.loads((d / 'python-security.toml').read_text())['semgrep']))"
    )
    done = subprocess.run([str(auditor.parent / "python"), "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def command(tool: str, target: Path, opts: argparse.Namespace, cache: Path) -> list[str]:
    if tool == "auditor":
        return [str(opts.auditor), "check", str(target), "--format", "json", "--cache-dir", str(cache)]
    if tool == "bandit":
        return [opts.bandit, "-r", ".", "-f", "json", "-q", "--severity-level", "medium", "--confidence-level", "medium"]
    configs = [opts.rules_python] if tool == "semgrep-community" else opts.pack_files
    argv = [opts.semgrep, "scan", "--json", "--metrics=off", "--disable-version-check", "-q"]
    return [*argv, *(a for c in configs for a in ("--config", str(c))), "."]


def parse(tool: str, out: str, root: Path) -> list[tuple[str, int, str]]:
    data = json.loads(out)
    if tool == "auditor":
        return [(f["path"], f["line"], f["rule"]) for f in data["findings"] if f.get("kind") == "security"]
    if tool == "bandit":
        return [(rel(r["filename"], root), r["line_number"], r["test_id"]) for r in data["results"]]
    found = []
    for r in data["results"]:
        category = (r.get("extra", {}).get("metadata") or {}).get("category")
        if tool == "semgrep-community" and category != "security":
            continue
        found.append((rel(r["path"], root), r["start"]["line"], r["check_id"].rsplit(".", 1)[-1]))
    return found


def rel(path: str, root: Path) -> str:
    p = Path(path)
    p = p.relative_to(root) if p.is_absolute() and p.is_relative_to(root) else p
    return p.as_posix().removeprefix("./")


def run_tool(tool: str, target: Path, opts: argparse.Namespace) -> Run:
    """One run: the findings, and its time (for the auditor: with its parse cache cold)."""
    run = Run()
    start = time.perf_counter()
    done = subprocess.run(command(tool, target, opts, cache_of(target, opts)), cwd=target, env=ENV,
                          capture_output=True, text=True, check=False)
    run.seconds.append(time.perf_counter() - start)
    try:
        run.findings = sorted(set(parse(tool, done.stdout, target)))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        run.error = f"exit {done.returncode}, unreadable output ({exc}): {done.stderr.strip()[-300:]}"
    return run


def time_alternately(runs: dict[str, Run], target: Path, opts: argparse.Namespace) -> None:
    """Replace the first-run times of auditor and semgrep-plain by --repeats runs of each, taken
    alternately (the auditor's cache warm, as on a nightly run), so load on the machine weighs
    on both alike."""
    timed = [t for t in ("auditor", "semgrep-plain") if t in runs and runs[t].error is None]
    for tool in timed:
        runs[tool].seconds = []
    for _ in range(opts.repeats):
        for tool in timed:
            start = time.perf_counter()
            subprocess.run(command(tool, target, opts, cache_of(target, opts)), cwd=target, env=ENV,
                           capture_output=True, check=False)
            runs[tool].seconds.append(time.perf_counter() - start)


def cache_of(target: Path, opts: argparse.Namespace) -> Path:
    """The auditor's cache folder for `target`, one per auditor executable (versions differ)."""
    which = hashlib.sha256(str(opts.auditor.absolute()).encode()).hexdigest()[:10]
    return opts.cache / "auditor-cache" / which / target.name


def score(app: App, findings: list[tuple[str, int, str]], tolerance: int) -> dict[str, Any]:
    kept = [f for f in findings if not any(fnmatch.fnmatch(f[0], g) for g in app.ignore)]
    matched = [f for f in kept if any(v.matches(f[0], f[1], tolerance) for v in app.vulns)]
    counted = [v for v in app.vulns if v.level in COUNTED]
    found = [v.id for v in counted if any(v.matches(p, n, tolerance) for p, n, _ in kept)]
    return {
        "known": len(counted),
        "found": found,
        "missed": [v.id for v in counted if v.id not in found],
        "findings": len(kept),
        "matched": len(matched),
        "unmatched": [f"{p}:{n} {r}" for p, n, r in kept if (p, n, r) not in matched],
        "ignored": len(findings) - len(kept),
        "raw": [list(f) for f in findings],
    }


def rescore(app: App, entry: dict[str, Any], tolerance: int) -> dict[str, Any]:
    """An earlier run's entry scored against the current truth: from its raw findings, or (an
    older file without them) from its unmatched ones, which is exact while truth edits only add."""
    if "raw" in entry:
        return {**entry, **score(app, [(p, n, r) for p, n, r in entry["raw"]], tolerance)}
    parsed = []
    for text in entry["unmatched"]:  # "path:line rule" (a rule id has no space)
        where, rule = text.rsplit(" ", 1)
        path, line = where.rsplit(":", 1)
        parsed.append((path, int(line), rule))
    new = score(app, parsed, tolerance)
    found = [v.id for v in app.vulns if v.level in COUNTED and (v.id in entry["found"] or v.id in new["found"])]
    missed = [v.id for v in app.vulns if v.level in COUNTED and v.id not in found]
    return {**entry, "known": new["known"], "found": found, "missed": missed,
            "matched": entry["matched"] + new["matched"], "unmatched": new["unmatched"]}


def kloc(root: Path) -> float:
    lines = 0
    for path in root.rglob("*.py"):
        with path.open(encoding="utf-8", errors="replace") as src:
            lines += sum(1 for text in src if text.strip())
    return lines / 1000


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, default=REPO / "benchmarks" / "security_truth")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "vulnapps")
    parser.add_argument("--auditor", type=Path, default=BIN / "auditor", help="auditor executable (its rules too)")
    parser.add_argument("--bandit", default=str(BIN / "bandit"))
    parser.add_argument("--semgrep", default=str(BIN / "semgrep"))
    parser.add_argument("--community-rules", type=Path, default=Path("/work/.mirror/semgrep+semgrep-rules/repo"),
                        help="a semgrep-rules checkout or mirror (its python/ folder is used)")
    parser.add_argument("--clean-root", type=Path, default=REPO / ".cache" / "realpkgs")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--apps", default="", help="comma-separated app names (default: every truth file)")
    parser.add_argument("--no-clean", action="store_true", help="skip the clean-code noise runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tolerance", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write every figure, miss and unmatched finding here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and unmatched findings")
    parser.add_argument("--rescore", type=Path, help="score an earlier --json file against the truth; run nothing")
    opts = parser.parse_args()
    opts.cache = opts.cache.resolve()
    tools = [t for t in opts.tools.split(",") if t]
    if unknown := set(tools) - set(TOOLS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    skipped: dict[str, str] = {}
    for tool, exe in (("auditor", str(opts.auditor)), ("bandit", opts.bandit), ("semgrep-community", opts.semgrep)):
        if tool in tools and not shutil.which(exe):
            skipped[tool] = f"{exe} not found"
    if "semgrep-plain" in tools and not shutil.which(opts.semgrep):
        skipped["semgrep-plain"] = f"{opts.semgrep} not found"
    if "semgrep-community" in tools and "semgrep-community" not in skipped:
        opts.rules_python = community_rules(opts.community_rules, opts.cache)
        if opts.rules_python is None:
            skipped["semgrep-community"] = f"no semgrep-rules at {opts.community_rules}"
    if "semgrep-plain" in tools and "semgrep-plain" not in skipped:
        opts.pack_files = pack_rule_files(opts.auditor)
    tools = [t for t in tools if t not in skipped]
    for tool, why in skipped.items():
        print(f"SKIPPED tool {tool}: {why}")

    apps = [a for a in load_truth(opts.truth) if not opts.apps or a.name in opts.apps.split(",")]
    if opts.rescore:
        old = json.loads(opts.rescore.read_text(encoding="utf-8"))
        scored = {a.name: {t: rescore(a, e, opts.tolerance) if "found" in e else e
                           for t, e in old["apps"][a.name].items()} for a in apps if a.name in old["apps"]}
        old["apps"] = scored
        tools = [t for t in TOOLS if any(t in r for r in scored.values())]
        print_table(tools, scored, old["clean"], old, opts.verbose)
        if opts.json:
            opts.json.write_text(json.dumps(old, indent=2) + "\n", encoding="utf-8")
        return
    report: dict[str, object] = {"tolerance": opts.tolerance, "repeats": opts.repeats, "auditor": str(opts.auditor),
                                 "skipped_tools": skipped, "apps": {}, "clean": {}, "totals": {}}
    per_app: dict[str, dict[str, dict[str, object]]] = {}
    for app in apps:
        reason = prepare_app(app, opts.mirrors, opts.cache)
        if reason:
            print(f"SKIPPED app {app.name}: {reason}")
            report["apps"][app.name] = {"skipped": reason}  # type: ignore[index]
            continue
        assert app.root is not None
        per_app[app.name] = {}
        runs = {tool: run_tool(tool, app.root, opts) for tool in tools}
        if opts.repeats:
            time_alternately(runs, app.root, opts)
        for tool, run in runs.items():
            entry: dict[str, object] = {"error": run.error, "seconds": run.seconds}
            if run.error is None:
                entry.update(score(app, run.findings, opts.tolerance))
            per_app[app.name][tool] = entry
        report["apps"][app.name] = per_app[app.name]  # type: ignore[index]

    clean: dict[str, dict[str, object]] = {}
    if not opts.no_clean:
        for name in CLEAN:
            root = prepare_clean(name, opts.clean_root, opts.cache)
            if root is None:
                print(f"SKIPPED clean {name}: no {opts.clean_root / CLEAN[name]} (tests/realpkgs.py unpacked() fetches it)")
                continue
            size = kloc(root)
            clean[name] = {"kloc": round(size, 1)}
            for tool in (t for t in tools if t != "semgrep-plain"):
                run = run_tool(tool, root, opts)
                clean[name][tool] = {"findings": len(run.findings), "error": run.error,
                                     "per_kloc": round(len(run.findings) / size, 3) if size else None,
                                     "sample": [f"{p}:{n} {r}" for p, n, r in run.findings[:40]]}
        report["clean"] = clean

    print_table(tools, per_app, clean, report, opts.verbose)
    if opts.json:
        opts.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {opts.json}")


def print_table(tools, per_app, clean, report, verbose) -> None:  # type: ignore[no-untyped-def]
    plain = {a: statistics.median(r["semgrep-plain"]["seconds"]) for a, r in per_app.items()
             if "semgrep-plain" in r and r["semgrep-plain"]["seconds"]}
    print(f"\n{'tool':18}{'known found':>16}{'findings':>10}{'unmatched':>11}{'precision':>11}"
          f"{'clean/KLOC':>12}{'time s':>9}{'vs plain':>10}")
    for tool in tools:
        known = found = findings = matched = 0
        seconds = 0.0
        plain_total = 0.0
        for app, runs in per_app.items():
            r = runs.get(tool, {})
            if r.get("error"):
                print(f"  {tool} on {app}: {r['error']}")
                continue
            known += r["known"]
            found += len(r["found"])
            findings += r["findings"]
            matched += r["matched"]
            if r["seconds"]:
                seconds += statistics.median(r["seconds"])
                plain_total += plain.get(app, 0.0)
        noise = [c[tool]["findings"] for c in clean.values() if tool in c]
        size = sum(c["kloc"] for c in clean.values() if tool in c)
        per_kloc = f"{sum(noise) / size:12.2f}" if noise and size else f"{'n/a':>12}"
        ratio = f"{seconds / plain_total:9.2f}x" if plain_total and tool != "semgrep-plain" else f"{'':>10}"
        found_text = f"{found}/{known} {pct(found, known)}" if tool != "semgrep-plain" else "(timing)"
        print(f"{tool:18}{found_text:>16}{findings:>10}{findings - matched:>11}{pct(matched, findings):>11}"
              f"{per_kloc}{seconds:9.2f}{ratio}")
        report["totals"][tool] = {"known": known, "found": found, "findings": findings, "matched": matched,
                                  "clean_findings": sum(noise), "clean_kloc": size, "seconds": seconds,
                                  "ratio_to_plain": seconds / plain_total if plain_total else None}
    print("\nper app (found/known, findings, unmatched, median s):")
    for app, runs in per_app.items():
        cells = [f"{t} {len(r['found'])}/{r['known']} {r['findings']} {len(r['unmatched'])} "
                 f"{statistics.median(r['seconds']) if r['seconds'] else 0:.2f}s"
                 for t, r in runs.items() if not r.get("error") and "found" in r]
        print(f"  {app:22} " + " | ".join(cells))
    if clean:
        print("clean code (findings, KLOC): " + "; ".join(
            f"{n} {c['kloc']} KLOC: " + ", ".join(f"{t} {c[t]['findings']}" for t in tools if t in c)
            for n, c in clean.items()))
    if verbose:
        for app, runs in per_app.items():
            for tool, r in runs.items():
                if "missed" in r and tool != "semgrep-plain":
                    print(f"\n[{app} / {tool}] missed: {', '.join(r['missed']) or '-'}")
                    for line in r["unmatched"]:
                        print(f"    unmatched {line}")


if __name__ == "__main__":
    main()
