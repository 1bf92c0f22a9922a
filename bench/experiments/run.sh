#!/usr/bin/env bash
# The prototype comparison of docs/benchmarks.md: copies of the working tree in
# /tmp/parley-exp/exp0..exp4 with the patches of this folder applied cumulatively (exp0: none),
# then the same fixed-rate run on each. The patches were made against the tree of 2026-11-25
# 20:56; when one no longer applies, rebase it (the change is small and described in the doc).
#   bash bench/experiments/run.sh            # copies + runs
#   bash bench/experiments/run.sh copies     # copies only
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=/tmp/parley-exp
PATCHES=(1-graphql-caches 2-one-load-per-event 3-db-pool-and-keyset 4-gc-freeze-threshold)
rm -rf "$ROOT"; mkdir -p "$ROOT/exp0"
cp -r chat schema project manage.py "$ROOT/exp0/"
for i in 1 2 3 4; do
  cp -r "$ROOT/exp$((i - 1))" "$ROOT/exp$i"
  file="bench/experiments/${PATCHES[$((i - 1))]}.patch"
  if patch -d "$ROOT/exp$i" -p1 -R --dry-run -s -f < "$file" >/dev/null 2>&1; then
    echo "exp$i: $file is already in the tree"
  elif ! patch -d "$ROOT/exp$i" -p1 -s -f --no-backup-if-mismatch -r - < "$file"; then
    echo "exp$i: $file does not apply to this tree: rebase it" >&2
    exit 1
  fi
done
[ "${1:-}" = copies ] && exit 0
for e in exp0 exp1 exp2 exp3 exp4; do
  timeout 600 .venv/bin/python -m bench latency --config services --app-dir "$ROOT/$e" --rate 20 --duration 30 \
    --label "cost 20/s"
done
.venv/bin/python -m bench history --config services --app-dir "$ROOT/exp3"
