"""Benchmark: the python-security pack on Django 5.2 — auditor's semgrep stage vs semgrep alone.

Both sides are whole processes, run alternately in one session, medians and ratio side by side:
  auditor   python bench_security.py --child ROOT CACHE  (interpreter start, imports, warm parse
            cache -> modules + facts, render rules, one semgrep process, findings + fingerprints)
  semgrep   semgrep scan --config <the same rendered rule files> --json --metrics=off
            --no-git-ignore django
The child also reports its in-process split (graph from warm cache / security stage).

    .venv/bin/python benchmarks/bench_security.py [--repeats 5]
Target: auditor total <= 1.25x semgrep alone. Needs the network once (tests/realpkgs.py cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

SEMGREP = str(Path(sys.executable).parent / "semgrep")
ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}


def pack_config(root: Path):  # type: ignore[no-untyped-def]
    """The built-in python-security pack as an AuditorConfig (its default layers included)."""
    import tomli

    from auditor.config.model import AuditorConfig, SemgrepRuleRef
    from auditor.support.resources import rules_dir

    pack = tomli.loads((rules_dir() / "python-security.toml").read_text())
    refs = tuple(
        SemgrepRuleRef(
            path=str(rules_dir() / e["rules"]),
            pack="python-security",
            only_layers=tuple(e.get("only_layers", ())),
            except_layers=tuple(e.get("except_layers", ())),
            params=e.get("params", {}),
        )
        for e in pack["semgrep"]
    )
    layers = {k: tuple(v) for k, v in pack["layers"].items()}
    return AuditorConfig(root=root, packages=("django",), layers=layers, semgrep_rules=refs)


def child(root: Path, cache: Path) -> None:
    start = time.perf_counter()
    from auditor.index.tree import build_graph
    from auditor.security import run_security

    graph = build_graph(root, packages=["django"], cache_dir=cache, use_cache=True)
    modules = {name: m.path for name, m in graph.modules.items() if m.path}
    facts = {f.path: f for f in graph.facts.values()}
    graph_s = time.perf_counter() - start
    cfg = pack_config(root)
    t0 = time.perf_counter()
    outcome = run_security(
        root, cfg, files=None, modules=modules, facts=facts, cache_dir=cache, semgrep=SEMGREP
    )
    security_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "graph_s": graph_s,
                "security_s": security_s,
                "findings": len(outcome.findings),
                "incomplete": outcome.incomplete_reasons,
                "files": outcome.scanned,
                "rules": len(outcome.rule_ids),
            }
        )
    )


def timed(argv: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    import realpkgs

    from auditor.security.render import render_rules

    root = realpkgs.unpacked("django", "5.2")
    with tempfile.TemporaryDirectory(prefix="bench-security-") as tmp:
        cache = Path(tmp)
        me = [sys.executable, __file__, "--child", str(root), str(cache)]
        _, warm = timed(me, REPO)  # warms the parse cache and renders the rules
        report = json.loads(warm)
        modules = {
            p[:-3].replace("/", "."): p for p in (str(f.relative_to(root)) for f in root.rglob("*.py"))
        }
        rendered = render_rules(pack_config(root), modules=modules, out_dir=cache / "semgrep" / "rules")
        configs = [a for f in rendered.config_files for a in ("--config", str(f))]
        # --no-git-ignore: the wheel cache sits in a git-ignored folder of this repository
        plain = [SEMGREP, "scan", *configs, "--json", "--metrics=off", "--no-git-ignore", "django"]
        _, plain_out = timed(plain, root)
        plain_findings = len(json.loads(plain_out)["results"])
        auditor_s: list[float] = []
        semgrep_s: list[float] = []
        stage_s: list[float] = []
        for _ in range(args.repeats):
            elapsed, out = timed(me, REPO)
            auditor_s.append(elapsed)
            stage_s.append(json.loads(out)["security_s"])
            semgrep_s.append(timed(plain, root)[0])
    a, s, st = statistics.median(auditor_s), statistics.median(semgrep_s), statistics.median(stage_s)
    print(
        f"Django 5.2: {report['files']} files, {report['rules']} rules, {args.repeats} repeats, "
        f"{os.cpu_count()} cores; findings auditor={report['findings']} semgrep={plain_findings}"
    )
    if report["incomplete"]:
        print(f"  auditor run incomplete: {report['incomplete']}")
    print(f"{'':28}{'median s':>10}{'ratio':>8}")
    print(f"{'semgrep alone (process)':28}{s:>10.2f}{1.0:>8.2f}")
    print(f"{'auditor (whole process)':28}{a:>10.2f}{a / s:>8.2f}")
    print(f"{'auditor security stage':28}{st:>10.2f}{st / s:>8.2f}")
    print(f"target: auditor whole process <= 1.25x semgrep alone: {'met' if a / s <= 1.25 else 'NOT met'}")


if __name__ == "__main__":
    main()
