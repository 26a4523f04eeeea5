#!/usr/bin/env bash
# make bench: Switchboard's validators beside pydantic v2, the generator's speed, the NATS client
# beside nats.go and nats-py, the Redis client, and the HTTP gateway beside the Go and FastAPI gateways.
# ONLY picks parts (default "validation generator nats redis gateway"; e.g. ONLY=gateway).
#
#   1. builds, in release mode, the switchboard CLI (--scratch-path .build-release) and the
#      nested Benchmarks/ package (Benchmarks/.build), which holds `validation-bench`;
#   2. RUNS times (default 3), back to back in the same window: validation-bench, the peers'
#      pydantic_bench.py (RegisterRequest, $PEERS/py, unchanged) and Benchmarks/peers/pydantic_booking.py
#      (CreateBookingRequest); the same payloads, JSON bytes in, one thread, 10,000 warm-up calls
#      then N (default 200,000) timed ones (shared/peers/README.md, "Validation");
#   3. writes a N_MESSAGES-message, N_SUBJECTS-subject schema set (scripts/make-large-schema.py,
#      default 500 / 100) to a temporary folder and times `switchboard check`, `switchboard generate`
#      into an empty folder and `switchboard generate` again with nothing to change (hyperfine
#      when installed, else a loop on `date +%s%N`), never touching Generated/;
#   4. scripts/bench-nats.sh: the peers' NATS workloads (publish, request/reply 1 and 64 in flight)
#      with `switchboard nats`, the peers' nats.go natsbench (built into a temporary folder) and
#      nats_bench.py, RUNS times interleaved on a private nats-server, with peak RSS;
#   5. scripts/bench-redis.sh (ONLY=redis) and scripts/bench-gateway.sh (ONLY=gateway: the Switchboard
#      gateway and a service beside the peers' Go net/http and FastAPI gateways under wrk, with peak RSS);
#   6. prints the medians: ops/s of both sides and the ratio Swift / pydantic per case, the
#      generation times, and the NATS table (Switchboard, nats.go, nats-py and the two ratios); everything (raw JSON lines, summary.md, summary.json, logs) is kept in
#      bench-results/<UTC timestamp>/.
#
# Environment: PEERS (default ../shared/peers, relative to the repository root), RUNS (3), N (200000),
# N_MESSAGES (500), N_SUBJECTS (100), GEN_RUNS (5 timed runs per generator command), PYTHON (python3),
# SWIFT (swift), ONLY, DUR (10 s per request/reply run), PUBN (1000000), PUB_REPS (5 publishes per side a
# run), NATS_RESPONDERS (own|go; see scripts/bench-nats.sh), INSTALL_HYPERFINE=1 to let the script apt-get hyperfine when it is missing (off by
# default: the benchmark itself needs no network), USE_HYPERFINE=0 to time with the date loop anyway,
# BENCH_TIMEOUT (2400 s: the whole run is killed after it), GUEST_HALT_POLL_NS (unset: the machine's
# setting is left alone; see "The guest's halt polling" below).
# Bounded: every build and every program runs under `timeout`, and the whole run under BENCH_TIMEOUT.
# On 2 cores a full run took 1m15s with warm build folders and 2m05s from clean ones (both release
# builds included) without the NATS part, which adds about RUNS × (6 × DUR + 25) s. Nothing is left running.
set -euo pipefail

# One deadline for the whole run (BENCH_TIMEOUT seconds, default 40 minutes): the script re-runs
# itself under `timeout`, which kills its whole process group when the time is up.
if [[ -z ${SWITCHBOARD_BENCH_CHILD:-} ]]; then
    export SWITCHBOARD_BENCH_CHILD=1
    exec timeout -k 10 "${BENCH_TIMEOUT:-2400}" "$0" "$@"
fi

cd "$(dirname "$0")/.."
ROOT=$PWD
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-python3}
PEERS=${PEERS:-../shared/peers}
RUNS=${RUNS:-3}
N=${N:-200000}
N_MESSAGES=${N_MESSAGES:-500}
N_SUBJECTS=${N_SUBJECTS:-100}
GEN_RUNS=${GEN_RUNS:-5}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
# Release builds use cross-module optimization (SWIFT_RELEASE_FLAGS, default
# "-Xswiftc -cross-module-optimization"; empty for none): the runtime's generic code (the service
# host's request pipeline, envelopes, validators) is specialised for the generated types, about 7 %
# more gateway throughput and a tenth less CPU per request in the service, measured A/B.
read -r -a RELEASE_FLAGS <<<"${SWIFT_RELEASE_FLAGS--Xswiftc -cross-module-optimization}"
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
ONLY=${ONLY:-validation generator nats redis gateway}
on() { [[ " $ONLY " == *" $1 "* ]]; }
for part in $ONLY; do
    [[ $part == validation || $part == generator || $part == nats || $part == redis || $part == gateway ]] || { echo "bench: unknown part '$part' in ONLY" >&2; exit 2; }
done

# Checked before anything is made (the results folder included).
[[ -z ${GUEST_HALT_POLL_NS:-} || $GUEST_HALT_POLL_NS =~ ^[0-9]+$ ]] \
    || { echo "bench: GUEST_HALT_POLL_NS must be nanoseconds (an integer), not '$GUEST_HALT_POLL_NS'" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench-results/$STAMP
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 143' TERM INT

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# MARK: The guest's halt polling (GUEST_HALT_POLL_NS, opt-in)
# In a KVM guest with the cpuidle-haltpoll driver, an idle vCPU polls this long before it halts. This
# machine boots with 0 (haltpoll.guest_halt_poll_ns=0): every idle halts at once, and each wake-up
# costs an exit to the hypervisor, which the request/reply latencies show (Benchmarks/README, "Where
# one in flight loses"). GUEST_HALT_POLL_NS=200000 (Linux's default) sets it for this run only, for
# every side alike, and puts the old value back at the end; every run records it in environment.txt.
HALT_POLL=/sys/module/haltpoll/parameters/guest_halt_poll_ns
HALT_POLL_BEFORE=$(cat "$HALT_POLL" 2>/dev/null || echo none)
if [[ -n ${GUEST_HALT_POLL_NS:-} ]]; then
    [[ -w $HALT_POLL && $HALT_POLL_BEFORE != none ]] \
        || die "GUEST_HALT_POLL_NS needs a writable $HALT_POLL (root, in a KVM guest with cpuidle-haltpoll)"
    trap 'echo "$HALT_POLL_BEFORE" >"$HALT_POLL"; rm -rf "$WORK"' EXIT
    echo "$GUEST_HALT_POLL_NS" >"$HALT_POLL"
fi

# MARK: Prerequisites
case "$PEERS" in /*) ;; *) PEERS=$ROOT/$PEERS ;; esac
PEERS=$(cd "$PEERS" 2>/dev/null && pwd || echo "$PEERS")
if on validation; then
    [[ -f $PEERS/py/pydantic_bench.py && -f $PEERS/py/models.py ]] \
        || die "the peers' pydantic benchmark is missing: $PEERS/py/pydantic_bench.py (set PEERS=<shared/peers>)"
    "$PYTHON" -c 'import pydantic, pydantic_core; assert pydantic.VERSION.startswith("2")' 2>/dev/null \
        || die "$PYTHON has no pydantic v2 (apt-get install python3-pydantic, or pip install 'pydantic>=2')"
fi
if ! command -v hyperfine >/dev/null && [[ ${INSTALL_HYPERFINE:-0} == 1 ]] && command -v apt-get >/dev/null; then
    log "installing hyperfine"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive timeout 180 $sudo apt-get install -y -qq hyperfine >/dev/null 2>&1 || true
fi

# MARK: Release builds
# release_build LOG ARGS...: scripts/bench-lib.sh (retries a build that saw a file change or a stale plan)
source "$ROOT/scripts/bench-lib.sh"


if on generator || on nats; then
    log "release build: switchboard (.build-release)"
    release_build "$OUT/build-switchboard.log" --product switchboard --scratch-path .build-release \
        || die "release build of switchboard failed"
    SWITCHBOARD=$("$SWIFT" build -c release --scratch-path .build-release --show-bin-path)/switchboard
fi

if on validation; then
    log "release build: Benchmarks/ (validation-bench)"
    # The nested package resolves the root's dependencies too; start from the root's pins so that a
    # machine that built the root needs no network.
    [[ -f Benchmarks/Package.resolved || ! -f Package.resolved ]] || cp Package.resolved Benchmarks/Package.resolved
    release_build "$OUT/build-benchmarks.log" --package-path Benchmarks --product validation-bench \
        || die "release build of Benchmarks/ failed"
    VALIDATION_BENCH=$("$SWIFT" build -c release --package-path Benchmarks --show-bin-path)/validation-bench
fi

# MARK: Environment
{
    echo "date: $STAMP"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources Generated 2>/dev/null || echo ' (Sources/ or Generated/ modified)')"
    echo "swift: $("$SWIFT" --version 2>/dev/null | head -1)"
    echo "python: $("$PYTHON" -c 'import sys, pydantic, pydantic_core; print(sys.version.split()[0], "pydantic", pydantic.VERSION, "core", pydantic_core.__version__)')"
    echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
    echo "cpuidle: $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo '?'), guest_halt_poll_ns=$(cat "$HALT_POLL" 2>/dev/null || echo none)${GUEST_HALT_POLL_NS:+ (GUEST_HALT_POLL_NS; $HALT_POLL_BEFORE outside this run)}"
    echo "hyperfine: $(command -v hyperfine >/dev/null && hyperfine --version || echo 'not installed (date loop)')${USE_HYPERFINE:+ USE_HYPERFINE=$USE_HYPERFINE}"
    echo "ONLY='$ONLY' RUNS=$RUNS N=$N N_MESSAGES=$N_MESSAGES N_SUBJECTS=$N_SUBJECTS GEN_RUNS=$GEN_RUNS PEERS=$PEERS"
} >"$OUT/environment.txt"
cat "$OUT/environment.txt" >&2

# MARK: Validation, Swift and pydantic interleaved
if on validation; then
    # The checks of each program run first, before anything is timed; any failure stops the benchmark.
    timeout 60 "$VALIDATION_BENCH" --check-only || die "validation-bench: checks failed"
    for run in $(seq 1 "$RUNS"); do
        log "validation run $run/$RUNS (n=$N)"
        timeout "$RUN_TIMEOUT" "$VALIDATION_BENCH" -n "$N" | tee -a "$OUT/validation-swift.jsonl" \
            | sed "s/^/  swift    /" >&2
        (cd "$PEERS/py" && timeout "$RUN_TIMEOUT" "$PYTHON" pydantic_bench.py -n "$N") \
            | tee -a "$OUT/validation-pydantic.jsonl" | sed "s/^/  pydantic /" >&2
        timeout "$RUN_TIMEOUT" "$PYTHON" Benchmarks/peers/pydantic_booking.py -n "$N" \
            | tee -a "$OUT/validation-pydantic.jsonl" | sed "s/^/  pydantic /" >&2
    done
fi

# MARK: Generator
if on generator; then
    log "schema set: $N_MESSAGES messages, $N_SUBJECTS subjects"
    SCHEMAS=$WORK/schemas
    GENOUT=$WORK/generated
    "$PYTHON" scripts/make-large-schema.py "$N_MESSAGES" "$N_SUBJECTS" "$SCHEMAS"
    timeout 60 "$SWITCHBOARD" check --schemas "$SCHEMAS" >&2 || die "switchboard check rejects the generated schema set"
    timeout 120 "$SWITCHBOARD" generate --schemas "$SCHEMAS" --output "$GENOUT" >&2 || die "switchboard generate failed"
    du -sk "$GENOUT" | awk '{printf "  output: %d KiB, ", $1}' >&2
    find "$GENOUT" -name '*.swift' | wc -l | awk '{printf "%d files, ", $1}' >&2
    cat "$GENOUT"/*.swift | wc -l | awk '{printf "%d lines\n", $1}' >&2

    CHECK_CMD="$SWITCHBOARD check --schemas $SCHEMAS"
    GEN_CMD="$SWITCHBOARD generate --schemas $SCHEMAS --output $GENOUT"
    if [[ ${USE_HYPERFINE:-auto} != 0 ]] && command -v hyperfine >/dev/null; then
        log "generator timings (hyperfine, $GEN_RUNS runs each)"
        timeout "$RUN_TIMEOUT" hyperfine -N --style basic --warmup 1 --runs "$GEN_RUNS" \
            --export-json "$OUT/generator-hyperfine.json" \
            -n check "$CHECK_CMD" \
            -n "generate (empty output)" --prepare "rm -rf $GENOUT" "$GEN_CMD" >&2
        # `--prepare` applies to every command of one call; the up-to-date case gets its own.
        timeout "$RUN_TIMEOUT" hyperfine -N --style basic --warmup 1 --runs "$GEN_RUNS" \
            --export-json "$OUT/generator-hyperfine-unchanged.json" \
            -n "generate (up to date)" "$GEN_CMD" >&2
        "$PYTHON" - "$OUT" <<'EOF'
import json, sys
out = sys.argv[1]
rows = []
for name in ("generator-hyperfine.json", "generator-hyperfine-unchanged.json"):
    for r in json.load(open(f"{out}/{name}"))["results"]:
        rows.append({"command": r["command"], "median_s": r["median"], "min_s": r["min"], "max_s": r["max"],
                     "runs": len(r["times"]), "tool": "hyperfine"})
json.dump(rows, open(f"{out}/generator.json", "w"), indent=2)
EOF
    else
        log "generator timings (date loop, $GEN_RUNS runs each; install hyperfine for more)"
        time_it() {  # name, prepare (may be empty), command...
            local name=$1 prepare=$2; shift 2
            local times=()
            for i in $(seq 0 "$GEN_RUNS"); do  # run 0 is the warm-up
                [[ -n $prepare ]] && eval "$prepare"
                local t0 t1
                t0=$(date +%s%N)
                timeout "$RUN_TIMEOUT" "$@" >/dev/null
                t1=$(date +%s%N)
                ((i > 0)) && times+=($((t1 - t0)))
            done
            printf '%s\t%s\n' "$name" "${times[*]}" >>"$OUT/generator-loop.tsv"
            printf '  %-24s %s ns\n' "$name" "${times[*]}" >&2
        }
        time_it check "" $CHECK_CMD
        time_it "generate (empty output)" "rm -rf '$GENOUT'" $GEN_CMD
        time_it "generate (up to date)" "" $GEN_CMD
        "$PYTHON" - "$OUT" <<'EOF'
import json, statistics, sys
out = sys.argv[1]
rows = []
for line in open(f"{out}/generator-loop.tsv"):
    name, times = line.rstrip("\n").split("\t")
    t = [int(x) / 1e9 for x in times.split()]
    rows.append({"command": name, "median_s": statistics.median(t), "min_s": min(t), "max_s": max(t),
                 "runs": len(t), "tool": "date loop"})
json.dump(rows, open(f"{out}/generator.json", "w"), indent=2)
EOF
    fi
fi

# MARK: NATS client beside nats.go and nats-py
if on nats; then
    SWITCHBOARD=$SWITCHBOARD PEERS=$PEERS RUNS=$RUNS PYTHON=$PYTHON scripts/bench-nats.sh "$OUT" \
        || die "the NATS benchmark failed (logs in ${OUT#$ROOT/}/nats-logs)"
fi

# MARK: Redis client, locks and breaker beside C hiredis, redis-py and redis-benchmark
if on redis; then
    PEERS=$PEERS RUNS=$RUNS PYTHON=$PYTHON SWIFT=$SWIFT scripts/bench-redis.sh "$OUT" \
        || die "the Redis benchmark failed (logs in ${OUT#$ROOT/}/redis-logs)"
fi

# MARK: HTTP gateway beside the Go net/http + nats.go and FastAPI + nats-py gateways
if on gateway; then
    PEERS=$PEERS RUNS=$RUNS PYTHON=$PYTHON SWIFT=$SWIFT scripts/bench-gateway.sh "$OUT" \
        || die "the gateway benchmark failed (logs in ${OUT#$ROOT/}/gateway-logs)"
fi

# MARK: Summary
"$PYTHON" - "$OUT" "$N_MESSAGES" "$N_SUBJECTS" <<'EOF' | tee "$OUT/summary.md"
import json, os, statistics, sys
from collections import defaultdict

out, n_messages, n_subjects = sys.argv[1], sys.argv[2], sys.argv[3]
summary = {"validation": [], "generator": []}

def load(name):
    runs = defaultdict(list)
    impls = set()
    for line in open(f"{out}/{name}"):
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            runs[row["bench"]].append(row["ops_per_s"])
            impls.add(row["impl"])
    return runs, ", ".join(sorted(impls))

def validation():
    swift, swift_impl = load("validation-swift.jsonl")
    pydantic, pydantic_impl = load("validation-pydantic.jsonl")
    cases = [
        ("validate_json_valid", "RegisterRequest valid"),
        ("validate_json_invalid", "RegisterRequest invalid (3 issues)"),
        ("validate_json_valid+dump_json", "RegisterRequest valid + encode"),
        ("booking_validate_json_valid", "CreateBookingRequest valid"),
        ("booking_validate_json_invalid", "CreateBookingRequest invalid (6 issues)"),
        ("booking_validate_json_valid+dump_json", "CreateBookingRequest valid + encode"),
    ]
    summary.update(swift_impl=swift_impl, pydantic_impl=pydantic_impl)
    print(f"\nValidation from JSON bytes, median of {max(len(v) for v in swift.values())} runs "
          f"({swift_impl} vs {pydantic_impl})\n")
    print("| case | Swift ops/s | pydantic ops/s | Swift / pydantic | Swift runs | pydantic runs |")
    print("|---|---:|---:|---:|---|---|")
    for bench, label in cases:
        s, p = swift.get(bench), pydantic.get(bench)
        if not s or not p:
            print(f"| {label} | {'—' if not s else f'{statistics.median(s):,.0f}'} | "
                  f"{'—' if not p else f'{statistics.median(p):,.0f}'} | — | | |")
            continue
        sm, pm = statistics.median(s), statistics.median(p)
        ratio = sm / pm
        print(f"| {label} | {sm:,.0f} | {pm:,.0f} | {ratio:.2f}× {'✓' if ratio >= 2 else '✗'} | "
              f"{', '.join(f'{x / 1000:,.0f}k' for x in s)} | {', '.join(f'{x / 1000:,.0f}k' for x in p)} |")
        summary["validation"].append({"bench": bench, "swift_ops_per_s": sm, "pydantic_ops_per_s": pm,
                                      "ratio": ratio, "swift_runs": s, "pydantic_runs": p})
    print("\n(goal: Swift / pydantic ≥ 2×; ✓ met, ✗ not met)")

def generator():
    gen = json.load(open(f"{out}/generator.json"))
    print(f"\nGenerator, {n_messages} messages / {n_subjects} subjects, release build, "
          f"median of {gen[0]['runs']} runs ({gen[0]['tool']})\n")
    print("| command | median | min | max |")
    print("|---|---:|---:|---:|")
    for row in gen:
        mark = ""
        if row["command"].startswith("generate"):
            mark = " ✓" if row["median_s"] < 1 else " ✗"
        print(f"| switchboard {row['command']} | {row['median_s'] * 1000:,.0f} ms{mark} | "
              f"{row['min_s'] * 1000:,.0f} ms | {row['max_s'] * 1000:,.0f} ms |")
        summary["generator"].append(row)
    print("\n(goal: generate in < 1 s; ✓ met, ✗ not met)")

if os.path.exists(f"{out}/validation-swift.jsonl"): validation()
if os.path.exists(f"{out}/generator.json"): generator()
if os.path.exists(f"{out}/nats-summary.md"):
    print(open(f"{out}/nats-summary.md").read().rstrip())
    summary["nats"] = json.load(open(f"{out}/nats-summary.json"))
if os.path.exists(f"{out}/redis-summary.md"):
    print(open(f"{out}/redis-summary.md").read().rstrip())
    summary["redis"] = json.load(open(f"{out}/redis-summary.json"))
if os.path.exists(f"{out}/gateway-summary.md"):
    print(open(f"{out}/gateway-summary.md").read().rstrip())
    summary["gateway"] = json.load(open(f"{out}/gateway-summary.json"))
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
EOF
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >>"$OUT/environment.txt"
printf '\nresults: %s\n' "${OUT#$ROOT/}" >&2
