#!/usr/bin/env bash
# The whole test command: install into .venv, then lint, type-check, audit ourselves, smoke-test
# the wheel (scripts/wheel_smoke.sh), run pytest.
# Usable on a fresh machine from a fresh clone; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off PIP_DISABLE_PIP_VERSION_CHECK=1

# Headless Chromium for the report's browser tests (Debian package), when we may install it.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing chromium (Debian)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# PostgreSQL for the shared-history tests (Debian package): tests/pgserver.py starts a throwaway
# cluster of its own on a private port; AUDITOR_PG_BIN tells it where the server binaries are.
if [ -z "${AUDITOR_PG_BIN:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ ! -x "$pg_bin/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing postgresql (Debian)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || true
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  if [ -x "$pg_bin/initdb" ]; then
    export AUDITOR_PG_BIN="$pg_bin"
    echo "== postgresql server binaries: $AUDITOR_PG_BIN"
  else
    echo "== no postgresql server: its tests will be skipped (see the skip reasons)"
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
echo "== installing drift-auditor[test]"
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v 'is ignored' || true
.venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v 'is ignored' || true
.venv/bin/python -c 'import auditor, libcst, networkx, jinja2, pytest' # fail loudly if the install did

echo "== ruff"
.venv/bin/ruff check auditor tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== auditor audits itself"
.venv/bin/auditor check . --no-semgrep
echo "== wheel smoke test (wheel from a clean tree, installed in a fresh venv, run elsewhere)"
bash scripts/wheel_smoke.sh

# Python 3.10 (the oldest supported) with the same libcst, so the tests parse 3.12 syntax under
# it (tests/test_parse_new_syntax.py); without a 3.10 on the machine that test says it is skipped
if [ -z "${AUDITOR_OLD_PYTHON:-}" ]; then
  for old in python3.10 "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10; do
    if [ -n "$old" ] && "$old" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "== python 3.10 for the parse-under-3.10 test ($old)"
      [ -x .venv-py310/bin/python ] || "$old" -m venv .venv-py310
      libcst=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("libcst"))')
      if .venv-py310/bin/python -m pip install -q "libcst==$libcst" 2>&1 | grep -v 'is ignored'; then :; fi
      .venv-py310/bin/python -c 'import libcst' && export AUDITOR_OLD_PYTHON="$PWD/.venv-py310/bin/python"
      break
    fi
  done
fi

echo "== pytest"
set +e
.venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
