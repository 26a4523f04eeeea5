#!/usr/bin/env bash
# make bench, part "redis": Switchboard's Redis client, locks and circuit breaker beside the peers'
# C hiredis (c/redislock.c), redis-py (py/redis_lock_bench.py) and redis-benchmark, on one private
# redis-server (--save '' --appendonly no, a free 127.0.0.1 port), RUNS times interleaved.
#
#   scripts/bench-redis.sh [OUT]     (scripts/bench.sh passes its results folder; default bench-results/<UTC>)
#
# Workloads (shared/peers/README.md, "Redis lock"): one lock cycle = SET key token NX PX 30000, then
# EVALSHA of the compare-and-delete script (both round trips), DUR seconds per run:
#   1 connection   Swift (redis-bench --bench lock -c 1), C hiredis -t 1, redis-py sync -c 1
#   concurrent     Swift 64 tasks on its pool of 4 pipelined connections, C hiredis 16 threads
#                  (16 connections), redis-py asyncio 64 tasks (a pool of up to 64)
#   lock manager   Swift RedisLock.tryAcquire + release (the acquire script also takes the fencing INCR)
# GET/SET: REDIS_N (100,000) operations on random keys of 100,000 with a 3-byte value, 1 and 50 in
# flight, Swift (50 tasks on 4 connections) beside redis-benchmark -t set,get -c 1 / -c 50 -d 3.
# Breaker: ns per CircuitBreaker.run around an empty async call, against the bare call.
#
# Environment: PEERS (../shared/peers), RUNS (3), DUR (10 s; REDIS_DUR overrides), REDIS_N (100000),
# PYTHON (python3), SWIFT (swift), BUILD_TIMEOUT (900 s). A missing gcc or redis-py skips that peer
# with a note. Every program runs under `timeout`; the server is stopped by PID at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-python3}
PEERS=${PEERS:-../shared/peers}
RUNS=${RUNS:-3}
DUR=${REDIS_DUR:-${DUR:-10}}
REDIS_N=${REDIS_N:-100000}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
# Release builds use cross-module optimization (SWIFT_RELEASE_FLAGS, default
# "-Xswiftc -cross-module-optimization"; empty for none): the runtime's generic code (the service
# host's request pipeline, envelopes, validators) is specialised for the generated types, about 7 %
# more gateway throughput and a tenth less CPU per request in the service, measured A/B.
read -r -a RELEASE_FLAGS <<<"${SWIFT_RELEASE_FLAGS--Xswiftc -cross-module-optimization}"
# release_build LOG ARGS...
source "$ROOT/scripts/bench-lib.sh"
OUT=${1:-$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/redis-logs"
case "$PEERS" in /*) ;; *) PEERS=$ROOT/$PEERS ;; esac
JSONL=$OUT/redis.jsonl
WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-redis-bench.XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench-redis: %s\n' "$*" >&2; exit 1; }

command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null \
    || die "redis-server and redis-benchmark are needed (apt-get install redis-server)"

log "release build: Benchmarks/ (redis-bench)"
[[ -f Benchmarks/Package.resolved || ! -f Package.resolved ]] || cp Package.resolved Benchmarks/Package.resolved
release_build "$OUT/redis-logs/build.log" --package-path Benchmarks --product redis-bench \
    || die "release build of redis-bench failed"
BENCH=$("$SWIFT" build -c release --package-path Benchmarks --show-bin-path)/redis-bench

HAVE_C=0
if command -v gcc >/dev/null && [[ -f /usr/include/hiredis/hiredis.h && -f $PEERS/c/redislock.c ]]; then
    gcc -O2 -Wall -o "$WORK/redislock" "$PEERS/c/redislock.c" -lhiredis -lpthread && HAVE_C=1
fi
((HAVE_C)) || echo "  note: no gcc or no $PEERS/c/redislock.c: the C hiredis peer is skipped" >&2
HAVE_PY=0
if [[ -f $PEERS/py/redis_lock_bench.py ]] && "$PYTHON" -c "import redis" 2>/dev/null; then HAVE_PY=1; fi
((HAVE_PY)) || echo "  note: $PYTHON has no redis-py (pip install redis): the redis-py peer is skipped" >&2

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --save '' --appendonly no --port "$PORT" --bind 127.0.0.1 --dir "$WORK" --daemonize no --logfile "" \
    >"$OUT/redis-logs/redis-server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$PORT" ping >/dev/null 2>&1 || die "redis-server did not start on port $PORT"
echo "redis: $(redis-server --version | head -1), port $PORT; RUNS=$RUNS DUR=$DUR REDIS_N=$REDIS_N" >&2

# measure LABEL SECONDS COMMAND...: one JSON line per program, kept in redis.jsonl.
measure() {
    local label=$1 limit=$2; shift 2
    timeout "$limit" "$@" 2>>"$OUT/redis-logs/errors.log" | grep '^{' | tee -a "$JSONL" | sed "s/^/  $label  /" >&2 \
        || echo "  $label failed (see redis-logs/errors.log)" >&2
}
# redis_benchmark CONCURRENCY N: redis-benchmark's CSV as JSON lines.
redis_benchmark() {
    timeout 120 redis-benchmark -p "$PORT" -t set,get -n "$2" -c "$1" -r 100000 -d 3 --csv \
        | awk -F, -v c="$1" 'NR > 1 { gsub(/"/, ""); printf "{\"impl\":\"redis-benchmark\",\"bench\":\"%s_c%s\",\"ops_per_s\":%s,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", tolower($1), c, $2, $5 * 1000, $7 * 1000 }' \
        | tee -a "$JSONL" | sed "s/^/  redis-benchmark  /" >&2
}
flush() { redis-cli -p "$PORT" FLUSHALL >/dev/null; }  # our own server, started above

for run in $(seq 1 "$RUNS"); do
    log "redis run $run/$RUNS"
    measure "swift    " $((DUR + 30)) "$BENCH" --port "$PORT" --bench lock -c 1 -d "$DUR"
    ((HAVE_C)) && measure "C hiredis" $((DUR + 30)) "$WORK/redislock" -p "$PORT" -t 1 -d "$DUR"
    ((HAVE_PY)) && measure "redis-py " $((DUR + 30)) "$PYTHON" "$PEERS/py/redis_lock_bench.py" --port "$PORT" -c 1 -d "$DUR"
    flush
    measure "swift    " $((DUR + 30)) "$BENCH" --port "$PORT" --bench lock -c 64 --pool 4 -d "$DUR"
    ((HAVE_C)) && measure "C hiredis" $((DUR + 30)) "$WORK/redislock" -p "$PORT" -t 16 -d "$DUR" -m 1000000
    ((HAVE_PY)) && measure "redis-py " $((DUR + 30)) "$PYTHON" "$PEERS/py/redis_lock_bench.py" --port "$PORT" -c 64 -d "$DUR"
    flush
    measure "swift    " $((DUR + 30)) "$BENCH" --port "$PORT" --bench lock-manager -c 1 -d "$DUR"
    flush
    for c in 1 50; do
        n=$REDIS_N
        ((c == 1)) && n=$((REDIS_N / 5))
        measure "swift    " 120 "$BENCH" --port "$PORT" --bench set -c "$c" -n "$n"
        measure "swift    " 120 "$BENCH" --port "$PORT" --bench get -c "$c" -n "$n"
        redis_benchmark "$c" "$n"
        flush
    done
    measure "swift    " 60 "$BENCH" --bench breaker
done

"$PYTHON" - "$OUT" "$HAVE_C" "$HAVE_PY" <<'PYEOF' | tee "$OUT/redis-summary.md"
import json, statistics, sys
from collections import defaultdict
out, have_c, have_py = sys.argv[1], sys.argv[2] == "1", sys.argv[3] == "1"
rows = defaultdict(list)
for line in open(f"{out}/redis.jsonl"):
    row = json.loads(line)
    impl = row["impl"].split("-")[0] + ("-asyncio" if "asyncio" in row["impl"] else "-sync" if row["impl"].endswith("-sync") else "")
    rows[(impl, row["bench"])].append(row)

def med(impl, bench, key):
    values = [r[key] for r in rows.get((impl, bench), []) if key in r]
    return statistics.median(values) if values else None

def cell(v, unit=""):
    return "—" if v is None else f"{v:,.0f}{unit}"

def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2f}×"

summary = {"lock": [], "getset": [], "breaker": None}
print("\nRedis lock cycle (SET NX PX 30000 + EVALSHA compare-and-delete), cycles/s, median "
      f"of {max((len(v) for v in rows.values()), default=0)} runs\n")
print("| workload | Switchboard | C hiredis | redis-py | Swift / C | Swift / redis-py | Swift p50 / p99 µs |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, swift, c, py in [
    ("1 connection, sequential", "lock_cycle_c1", "lock_cycle_t1", ("py-sync", "lock_cycle_c1")),
    ("concurrent (Swift 64 tasks / 4 conns; C 16 threads; py asyncio 64)", "lock_cycle_c64", "lock_cycle_t16", ("py-asyncio", "lock_cycle_c64")),
]:
    s = med("swift", swift, "cycles_per_s")
    cc = med("c", c, "cycles_per_s")
    p = med(py[0], py[1], "cycles_per_s")
    print(f"| {label} | {cell(s)} | {cell(cc)} | {cell(p)} | {ratio(s, cc)} | {ratio(s, p)} | "
          f"{cell(med('swift', swift, 'p50_us'))} / {cell(med('swift', swift, 'p99_us'))} |")
    summary["lock"].append({"workload": label, "swift": s, "c_hiredis": cc, "redis_py": p})
lm = med("swift", "lock_manager_cycle_c1", "cycles_per_s")
print(f"| RedisLock acquire (+ fencing INCR) + release, 1 connection | {cell(lm)} | | | | | "
      f"{cell(med('swift', 'lock_manager_cycle_c1', 'p50_us'))} / {cell(med('swift', 'lock_manager_cycle_c1', 'p99_us'))} |")
summary["lock"].append({"workload": "lock manager c1", "swift": lm})

print("\nGET/SET, ops/s, median (Swift client vs redis-benchmark, same server)\n")
print("| command | in flight | Switchboard | redis-benchmark | Swift / redis-benchmark |")
print("|---|---:|---:|---:|---:|")
for command in ("set", "get"):
    for c in (1, 50):
        s = med("swift", f"{command}_c{c}", "ops_per_s")
        b = med("redis", f"{command}_c{c}", "ops_per_s")
        print(f"| {command.upper()} | {c} | {cell(s)} | {cell(b)} | {ratio(s, b)} |")
        summary["getset"].append({"command": command, "concurrency": c, "swift": s, "redis_benchmark": b})

bare = med("swift", "breaker_run_overhead", "bare_ns_per_call")
guarded = med("swift", "breaker_run_overhead", "breaker_ns_per_call")
if bare is not None:
    print(f"\nCircuitBreaker.run: {guarded:.0f} ns per call against {bare:.0f} ns bare "
          f"(overhead {guarded - bare:.0f} ns)")
    summary["breaker"] = {"bare_ns": bare, "breaker_ns": guarded}
if not have_c: print("\n(C hiredis peer skipped: no gcc)")
if not have_py: print("\n(redis-py peer skipped: pip install redis)")
json.dump(summary, open(f"{out}/redis-summary.json", "w"), indent=2)
PYEOF
