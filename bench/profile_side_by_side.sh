#!/usr/bin/env bash
# One Parley process under the peer bench's load generator at a fixed rate, sampled by py-spy:
# the profile that goes with side_by_side.sh's ratio line (docs/benchmarks.md, "Where a
# message's time goes").
#
#   bench/profile_side_by_side.sh            RATE (60 msg/s), DURATION (30 s), CONFIG (embedded|services), OUT
#
# Started as side_by_side.sh starts Parley (send limit off, two-hour tokens, no access log),
# with the per-address sign-in budget off too: the generator registers 100 users from one
# address in a few seconds. Samples are taken with the process stopped (py-spy's default),
# at 250 Hz, idle time excluded (--gil): the shares are of the CPU time Python spends.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${RATE:-60}"; DURATION="${DURATION:-30}"; CONFIG="${CONFIG:-embedded}"; PORT="${PORT:-4178}"
OUT="${OUT:-var/bench/profile-$CONFIG-$(date +%Y%m%d-%H%M%S)}"; mkdir -p "$OUT"
PEER_BENCH="${PEER_BENCH:-../shared/peer-bench}"; LOADGEN_VENV="${LOADGEN_VENV:-/tmp/peer-bench-venv}"
[ -x "$LOADGEN_VENV/bin/python" ] || { python3.11 -m venv "$LOADGEN_VENV" && "$LOADGEN_VENV/bin/pip" install -q -r "$PEER_BENCH/requirements.txt"; }
env=(env -u DATABASE_URL -u REDIS_URL PARLEY_SEND_RATE_PER_SECOND=0 PARLEY_AUTH_ADDRESS_PER_MINUTE=0
  ACCESS_TOKEN_SECONDS=7200 SECRET_KEY=bench-secret-bench-secret-bench-secret-0123456789 LOG_LEVEL=WARNING)
REDIS_PID=""
if [ "$CONFIG" = services ]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS parley_profile" -c "CREATE DATABASE parley_profile" >/dev/null
  .venv/bin/python -m project.serve redis --port 6395 --dir "$OUT" --logfile "$OUT/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 50); do redis-cli -p 6395 ping >/dev/null 2>&1 && break; sleep 0.1; done
  env+=(DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_profile REDIS_URL=redis://127.0.0.1:6395/0)
else
  rm -f "$OUT"/parley.sqlite3*; env+=(DATABASE_URL="sqlite:///$PWD/$OUT/parley.sqlite3")
fi
"${env[@]}" .venv/bin/python manage.py migrate -v0
"${env[@]}" .venv/bin/python -m project.serve app --host 127.0.0.1 --port "$PORT" >"$OUT/parley.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; [ -z "$REDIS_PID" ] || kill $REDIS_PID 2>/dev/null; true' EXIT
until curl -sf -o /dev/null -H 'content-type: application/json' -d '{"query":"{__typename}"}' "http://127.0.0.1:$PORT/graphql/"; do
  kill -0 $PID || { echo "the server exited; see $OUT/parley.log" >&2; exit 1; }; sleep 0.2
done
"$LOADGEN_VENV/bin/python" "$PEER_BENCH/loadgen.py" --url "http://127.0.0.1:$PORT" --server-pid $PID --rooms 50 \
  --rate "$RATE" --duration "$DURATION" --warmup 5 --label profile >"$OUT/loadgen.txt" 2>&1 &
LOADGEN=$!
# Sample the measured part: the generator prints the server's RSS once users and sockets are
# set up, then warms up for 5 s.
until grep -q "^server RSS" "$OUT/loadgen.txt" 2>/dev/null; do
  kill -0 $LOADGEN 2>/dev/null || { cat "$OUT/loadgen.txt" >&2; exit 1; }; sleep 0.2
done
sleep 5
.venv/bin/py-spy record -p $PID -d "$((DURATION - 5))" -r 250 --format raw --gil -o "$OUT/profile.raw" >"$OUT/py-spy.log" 2>&1 || true
wait $LOADGEN || true
.venv/bin/python -m bench.profile "$OUT/profile.raw" 60 >"$OUT/profile.txt"
grep -E "cpu \(100%|e2e|mutation" "$OUT/loadgen.txt" | head -5
echo "profile: $OUT/profile.txt"
