#!/usr/bin/env bash
# Wheel smoke test: what a user gets from `pip wheel --no-deps .` and `pip install <wheel>`.
#
# Builds the wheel from a clean copy of the committed tree (git archive HEAD), checks that it
# carries auditor/_rules and auditor/_templates, installs it (not editable) into a fresh venv,
# and runs it from a folder outside the checkout: `auditor demo` must write its report, and
# `auditor check` with builtin:python-security must find a planted eval(user_input), which proves
# the pack and its semgrep rules were read from the wheel. Uncommitted changes are not tested.
#
# Network: only pip installing packages (the build backend, the wheel's dependencies), served
# from pip's cache when it is warm. About 2 minutes on a warm cache on a 2-core machine.
# Usage: bash scripts/wheel_smoke.sh  (PYTHON=... picks the interpreter; KEEP=1 keeps the temp dir)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off PIP_DISABLE_PIP_VERSION_CHECK=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wheel-smoke.XXXXXX")
if [ -n "${KEEP:-}" ]; then echo "wheel smoke: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
fail() {
  echo "wheel smoke: FAILED: $*" >&2
  exit 1
}
step() { echo "wheel smoke: $* ($((SECONDS - start)) s)"; }
pip() { # pip in the fresh venv; its output only when it fails
  if ! "$tmp/venv/bin/python" -m pip "$@" >"$tmp/pip.log" 2>&1; then
    grep -v 'is ignored' "$tmp/pip.log" >&2 || true
    fail "pip $1 failed"
  fi
}
start=$SECONDS

git -C "$repo" rev-parse -q --verify HEAD >/dev/null || fail "$repo is not a git checkout with a commit"
mkdir "$tmp/src" "$tmp/dist" "$tmp/elsewhere"
git -C "$repo" archive --format=tar HEAD | tar -xf - -C "$tmp/src"
step "clean tree of $(git -C "$repo" rev-parse --short HEAD) in $tmp/src"

"$PY" -m venv "$tmp/venv"
pip wheel -q --no-deps -w "$tmp/dist" "$tmp/src"
wheels=("$tmp"/dist/*.whl)
[ -f "${wheels[0]}" ] || fail "pip wheel built no wheel"
wheel=${wheels[0]}
step "built $(basename "$wheel")"

# The file list: every file of rules/ and reports/templates/ inside, nothing outside auditor/.
"$tmp/venv/bin/python" - "$wheel" "$tmp/src" <<'EOF' || fail "the wheel's file list is wrong (see above)"
import sys, zipfile
from pathlib import Path

wheel, src = sys.argv[1], Path(sys.argv[2])
names = set(zipfile.ZipFile(wheel).namelist())
problems = []
for folder, package in (("rules", "auditor/_rules"), ("reports/templates", "auditor/_templates")):
    shipped = {f"{package}/{p.relative_to(src / folder).as_posix()}" for p in (src / folder).rglob("*") if p.is_file()}
    packed = {n for n in names if n.startswith(package + "/")}
    if not packed:
        problems.append(f"no {package}/ at all")
    if shipped - packed:
        problems.append(f"{package} lacks {sorted(shipped - packed)[:5]}")
stray = sorted(n for n in names if not n.startswith("auditor/") and ".dist-info/" not in n)
if stray:
    problems.append(f"files outside auditor/: {stray[:5]}")
for problem in problems:
    print(f"wheel smoke: {problem}", file=sys.stderr)
print(f"wheel smoke: {len(names)} files, {sum(n.startswith('auditor/_rules/') for n in names)} under auditor/_rules")
sys.exit(1 if problems else 0)
EOF

pip install -q "$wheel"
step "installed the wheel and its dependencies into $tmp/venv"

cd "$tmp/elsewhere" # outside the checkout: nothing can come from the source tree
where=$("$tmp/venv/bin/python" -c 'import auditor._rules, auditor._templates; print(auditor._rules.__file__)')
case "$where" in
  "$tmp/venv/"*) ;;
  *) fail "auditor._rules comes from $where, not from the installed wheel" ;;
esac
auditor="$tmp/venv/bin/auditor"

printed=$("$auditor" demo --out "$tmp/demo" -q) || fail "auditor demo exited $?"
[ "$printed" = "$tmp/demo/report/index.html" ] || fail "auditor demo printed '$printed'"
[ -s "$tmp/demo/report/index.html" ] || fail "auditor demo wrote no report/index.html"
step "auditor demo wrote $printed"

mkdir -p "$tmp/project/app"
: >"$tmp/project/app/__init__.py"
printf 'def run(user_input):\n    return eval(user_input)\n' >"$tmp/project/app/views.py"
printf 'packages = ["app"]\npacks = ["builtin:python-security"]\n' >"$tmp/project/auditor.toml"
set +e
"$auditor" check "$tmp/project" --format json -o "$tmp/check.json"
rc=$?
set -e
[ "$rc" = 1 ] || fail "auditor check exited $rc, expected 1 (an error finding)"
"$tmp/venv/bin/python" - "$tmp/check.json" <<'EOF' || fail "auditor check did not report the planted eval"
import json, sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
found = [(f["rule"], f["path"], f["line"]) for f in report["findings"]]
sys.exit(0 if ("code-injection", "app/views.py", 2) in found and not report["errors"] else 1)
EOF
step "auditor check found code-injection at app/views.py:2 with builtin:python-security from the wheel"

"$auditor" brief "$tmp/demo/shop" --check -q || fail "auditor brief --check: the demo's AGENTS.md is stale"
# the MCP server (the mcp SDK came with the wheel's dependencies), driven by the SDK's own client
"$tmp/venv/bin/python" - "$auditor" "$tmp/project" <<'EOF' || fail "auditor mcp did not answer module_rules"
import sys

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main() -> None:
    params = StdioServerParameters(command=sys.argv[1], args=["mcp", sys.argv[2], "--no-semgrep"])
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        result = await session.call_tool("module_rules", {"module": "app.views"})
        assert not result.isError and result.structuredContent["module"] == "app.views", result


anyio.run(main)
EOF
step "auditor brief --check passed on the demo; auditor mcp answered module_rules over stdio"
echo "wheel smoke: passed in $((SECONDS - start)) s"
