#!/usr/bin/env bash
# Every benchmark, side by side with its peer, as README reports them.
# Bytecode is compiled first and kept (as any pip install does): some machines set
# PYTHONDONTWRITEBYTECODE, which would make every auditor start recompile its own modules
# while the peers run from pip-compiled site-packages.
set -euo pipefail
cd "$(dirname "$0")/.."
unset PYTHONDONTWRITEBYTECODE
PY=.venv/bin/python
$PY -m compileall -q auditor >/dev/null
R=${REPEATS:-7}
echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g | head -2; $PY --version
if [ "${1:-}" = "--index" ]; then
  # issue 19 side by side: cold / warm / pre-merge vs import-linter, on Django and, when
  # BIG_SITE is set, on a ~1,000-module project (BIG_SITE holds BIG_PACKAGE; BIG_LAYERS a,b,c)
  uptime
  echo "== graph";            $PY benchmarks/bench_graph.py --repeats "$R"
  echo "== contracts, Django"; $PY benchmarks/bench_contracts.py --repeats "$R"
  if [ -n "${BIG_SITE:-}" ]; then
    echo "== contracts, $BIG_PACKAGE"
    $PY benchmarks/bench_contracts.py --repeats "$R" --site "$BIG_SITE" --package "$BIG_PACKAGE" --layers "$BIG_LAYERS"
  fi
  echo "== pre-merge";        $PY benchmarks/bench_premerge.py --repeats "$R"
  uptime
  exit 0
fi
echo "== graph (issue 2)";        $PY benchmarks/bench_graph.py --repeats "$R"
echo "== contracts (issue 3)";    $PY benchmarks/bench_contracts.py --repeats "$R"
echo "== pre-merge (issue 6)";    $PY benchmarks/bench_premerge.py --repeats "$R"
echo "== security (issue 4)";     $PY benchmarks/bench_security.py --repeats 3
echo "== attribution (issue 5)";  $PY benchmarks/bench_attribution.py --repeats 3
echo "== report (issue 7)";       $PY benchmarks/bench_report.py --repeats 3
echo "== scale (issue 8)";        $PY benchmarks/bench_scale.py --sizes 1000,10000,50000 --repeats 2
echo "== org report (issue 18)";  $PY benchmarks/bench_org.py --repeats 5
