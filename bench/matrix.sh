#!/usr/bin/env bash
# The full first measurement behind docs/benchmarks.md, in priority order. Each line is one
# bounded run (every step has a fixed duration, sends time out after 30 s, waits are capped).
# Then `.venv/bin/python -m bench report` renders the tables and the plot.
#   bash bench/matrix.sh            # everything (about 45 minutes on 2 cores)
#   bash bench/matrix.sh 3 5        # only lines 3 to 5
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export BENCH_QUIET_MAX_WAIT=${BENCH_QUIET_MAX_WAIT:-20}
PROFILES=${PROFILES:-/tmp/parley-bench-profiles}
RUNS=(
  "capacity --config services --profile $PROFILES/capacity-services"
  "latency --config services"
  "capacity --config embedded --profile $PROFILES/capacity-embedded"
  "latency --config embedded"
  "history --config services"
  "connections --config services --idle 10000"
  "scaleout --config services"
  "capacity --config services --layer pubsub"
  "capacity --config services --server daphne"
  "latency --config services --layer pubsub"
  "latency --config services --server daphne"
  "connections --config embedded --idle 10000"
  "connections --config services --idle 3000 --no-compression"
  "connections --config services --idle 3000 --layer pubsub"
  "connections --config services --idle 3000 --server daphne"
  "history --config embedded"
  "capacity --config services --env DB_CONN_MAX_AGE=60"
)
first=${1:-1}; last=${2:-${#RUNS[@]}}
for i in $(seq "$first" "$last"); do
  run=${RUNS[$((i - 1))]}
  echo "=== [$i/${#RUNS[@]}] python -m bench $run"
  # shellcheck disable=SC2086
  timeout 1200 $PY -m bench $run 2>&1 | grep --line-buffered -v -e InsecureKeyLengthWarning -e 'return self._jws.encode'
done
