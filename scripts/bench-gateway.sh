#!/usr/bin/env bash
# scripts/bench-gateway.sh OUTDIR: the Switchboard gateway and a Switchboard service beside the peers'
# Go net/http + nats.go gateway and FastAPI + nats-py gateway, in one window. Called by scripts/bench.sh
# (ONLY=gateway runs just this part). Workload of shared/peers/README.md, "Gateway", run as run_all.sh
# runs it, with the peers' programs unchanged:
#   POST {"email":"alice@example.com","password":"correct horse battery","role":"organizer"}
#   (the peers' lua/post.lua, used as it is) → validation → NATS request auth.register (2 s) →
#   a responder in its own process → 201 with {id, email, role}
#   wrk -t2 -c64 -d${DUR}s --timeout 5s --latency -s post.lua, after a ${WARMUP} s warm-up run
# Sides, each with its own responder:
#   swift    Benchmarks/ `gateway-bench gateway` (the generated route POST /auth/register,
#            so wrk's URL ends in /auth/register) and `gateway-bench responder` (a service host with a
#            storage-free Auth.Handler whose register returns a UserProfile)
#   go       $PEERS/go/gateway/main.go -mode gateway / -mode responder (built into a temporary folder)
#   fastapi  uvicorn gateway:app (asyncio loop, h11, 1 worker, as `pip install uvicorn` gives) and
#            $PEERS/py/auth_responder.py
# RUNS times, interleaved (the order of the sides rotates each run). Peak RSS of the gateway and of the
# responder process: GNU time's %M. CPU per request of the gateway, the responder and nats-server: their
# user + system time (/proc/PID/stat) during the timed wrk run, divided by its requests. Medians and the ratios Switchboard / peer go to
# OUTDIR/gateway-summary.md and gateway-summary.json, every measurement to gateway.jsonl, logs to
# gateway-logs/.
#
# Environment: PEERS, RUNS (3), DUR (10 s per wrk run), WARMUP (2 s), PYTHON (python3), SWIFT (swift),
# GATEWAY_SIDES ("swift go fastapi"), GATEWAY_BENCH (a gateway-bench binary; default: a release build of
# Benchmarks/), BUILD_TIMEOUT (1800 s), QUIET_PCT (30) / QUIET_MAX (10 s): before each
# measurement, wait at most QUIET_MAX s for the machine to be less than QUIET_PCT % busy (as run_all.sh).
# A private nats-server is started on free 127.0.0.1 ports (JetStream on, as run_all.sh does); all
# traffic stays on 127.0.0.1; every process started here is bounded by `timeout` and stopped by its PID.
set -euo pipefail

OUT=${1:?usage: scripts/bench-gateway.sh OUTDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SWIFT=${SWIFT:-swift}
PEERS=${PEERS:-$ROOT/../shared/peers}
case "$PEERS" in /*) ;; *) PEERS=$ROOT/$PEERS ;; esac
RUNS=${RUNS:-3}
DUR=${DUR:-10}
WARMUP=${WARMUP:-2}
PYTHON=${PYTHON:-python3}
SIDES=${GATEWAY_SIDES:-swift go fastapi}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
# Release builds use cross-module optimization (SWIFT_RELEASE_FLAGS, default
# "-Xswiftc -cross-module-optimization"; empty for none): the runtime's generic code (the service
# host's request pipeline, envelopes, validators) is specialised for the generated types, about 7 %
# more gateway throughput and a tenth less CPU per request in the service, measured A/B.
read -r -a RELEASE_FLAGS <<<"${SWIFT_RELEASE_FLAGS--Xswiftc -cross-module-optimization}"
QUIET_PCT=${QUIET_PCT:-30}
QUIET_MAX=${QUIET_MAX:-10}
LOGS=$OUT/gateway-logs
RAW=$OUT/gateway.jsonl
mkdir -p "$LOGS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench-gateway.XXXXXX")
BODY='{"email":"alice@example.com","password":"correct horse battery","role":"organizer"}'
INVALID='{"email":"not-an-email","password":"short","role":"root"}'

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench-gateway: %s\n' "$*" >&2; exit 1; }

# MARK: Prerequisites (make bench installs them: BENCH_APT_PACKAGES, BENCH_PIP_PACKAGES)
POST_LUA=$PEERS/lua/post.lua
GO_GATEWAY=$PEERS/go/gateway/main.go
[[ -f $POST_LUA && -f $GO_GATEWAY && -f $PEERS/py/gateway.py && -f $PEERS/py/auth_responder.py ]] \
    || die "the peers' gateway programs are missing under $PEERS (set PEERS=<shared/peers>)"
grep -qF "wrk.body = '$BODY'" "$POST_LUA" || die "$POST_LUA no longer sends the workload's body"
missing=()
for c in nats-server wrk go curl; do command -v "$c" >/dev/null || missing+=("$c"); done
[[ -d /usr/share/gocode/src/github.com/nats-io/nats.go ]] || missing+=(golang-github-nats-io-go-nats-dev)
[[ -x /usr/bin/time ]] || missing+=("time (GNU time)")
"$PYTHON" -c 'import nats, fastapi, uvicorn, pydantic' 2>/dev/null || missing+=("nats-py fastapi uvicorn pydantic (pip)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (make bench installs them)"

# MARK: Processes: everything started here is bounded and stopped by PID
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do [[ -n $p ]] && stop_pid "$p"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
# spawn SECONDS NAME CMD...: starts `/usr/bin/time -f %M timeout SECONDS CMD` in the background, with
# its output in $LOGS/NAME.log and CMD's peak RSS (KiB) in $WORK/NAME.rss once it ends; the PID of
# `time` is in LAST_PID and in PIDS. `timeout --foreground` keeps CMD in this script's process group,
# so that bench.sh's overall deadline reaches it too.
spawn() {
    local seconds=$1 name=$2; shift 2
    rm -f "$WORK/$name.rss"
    /usr/bin/time -f '%M' -o "$WORK/$name.rss" timeout --foreground -k 5 "$seconds" "$@" >"$LOGS/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}
# stop_pid PID: ends what spawn started as PID (GNU time): SIGTERM to its child, `timeout`, which passes
# it on to the program, so that the program shuts down gracefully and `time` writes its peak RSS;
# after 15 s, SIGKILL to that child. Then waits for PID.
stop_pid() {
    local pid=$1 child i kept=() p
    child=$(ps -o pid= --ppid "$pid" 2>/dev/null | head -1 | tr -d ' ')
    if [[ -n $child ]]; then
        kill -TERM "$child" 2>/dev/null || true
        for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$child" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]:-}"; do [[ -n $p && $p != "$pid" ]] && kept+=("$p"); done
    PIDS=("${kept[@]:-}")
}
# leaf_pid PID: the program at the bottom of PID's chain of single children (time → timeout → program)
leaf_pid() {
    local pid=$1 child
    while child=$(ps -o pid= --ppid "$pid" 2>/dev/null | head -1 | tr -d ' ') && [[ -n $child ]]; do pid=$child; done
    echo "$pid"
}
# cpu_ticks PID: user + system CPU time of PID so far, in clock ticks (/proc/PID/stat fields 14 and 15)
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { local v; v=$(grep -E '^[0-9]+$' "$WORK/$1.rss" 2>/dev/null | tail -1); echo "${v:-null}"; }

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# busy percentage of all CPUs over one second (/proc/stat)
cpu_busy() {
    local a b
    read -ra a < <(head -1 /proc/stat)
    sleep 1
    read -ra b < <(head -1 /proc/stat)
    local total=0 idle i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    ((total > 0)) && echo $((100 * (total - idle) / total)) || echo 0
}
quiet_wait() {
    local t0=$SECONDS busy
    while :; do
        busy=$(cpu_busy)
        if ((busy < QUIET_PCT || SECONDS - t0 >= QUIET_MAX)); then echo "$busy"; return; fi
    done
}

# release_build, subscriptions, wait_subscriptions
source "$ROOT/scripts/bench-lib.sh"

# MARK: Builds: gateway-bench (release) and the peers' Go gateway (as run_all.sh builds it)
if [[ -z ${GATEWAY_BENCH:-} ]]; then
    log "release build: Benchmarks/ (gateway-bench)"
    # Start from the root's pins, so that a machine that built the root needs no network.
    [[ -f $ROOT/Benchmarks/Package.resolved || ! -f $ROOT/Package.resolved ]] || cp "$ROOT/Package.resolved" "$ROOT/Benchmarks/Package.resolved"
    (cd "$ROOT" && release_build "$LOGS/build-gateway-bench.log" --package-path Benchmarks --product gateway-bench) \
        || die "release build of gateway-bench failed"
    GATEWAY_BENCH=$(cd "$ROOT" && "$SWIFT" build -c release --package-path Benchmarks --show-bin-path)/gateway-bench
fi
[[ -x $GATEWAY_BENCH ]] || die "no gateway-bench binary at $GATEWAY_BENCH"
log "build: the peers' Go gateway (GOPATH=/usr/share/gocode)"
GOCACHE_DIR=${GOCACHE_DIR:-$ROOT/.build-release/peers-gocache}
(cd "$PEERS/go/gateway" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$GOCACHE_DIR GOFLAGS= \
    timeout --foreground 600 go build -o "$WORK/go-gateway" main.go) || die "go build of $GO_GATEWAY failed"

# MARK: nats-server on free loopback ports
PORT=$(free_port)
MONITOR=$(free_port)
[[ $PORT != "$MONITOR" ]] || MONITOR=$(free_port)
URL=nats://127.0.0.1:$PORT
mkdir -p "$WORK/js"
spawn $((RUNS * 3 * (DUR + WARMUP + 90) + 300)) nats-server nats-server -a 127.0.0.1 -p "$PORT" -m "$MONITOR" -js -sd "$WORK/js"
SERVER_PID=$LAST_PID

# subscriptions / wait_subscriptions SUBJECT N: scripts/bench-lib.sh (sourced above)
wait_subscriptions auth.register 0

{
    echo "gateway: nats-server $(nats-server --version) on $URL; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(go version | cut -d' ' -f3)" \
        "nats.go $(dpkg-query -W -f='${Version}' golang-github-nats-io-go-nats-dev 2>/dev/null || echo '?')"
    echo "gateway: $("$PYTHON" - <<'EOF'
from importlib.metadata import version
print(", ".join(f"{p} {version(p)}" for p in ("fastapi", "uvicorn", "pydantic", "nats-py")))
EOF
)"
    echo "gateway: RUNS=$RUNS DUR=$DUR WARMUP=$WARMUP sides='$SIDES' wrk -t2 -c64 --timeout 5s --latency -s $POST_LUA"
} | tee -a "$OUT/environment.txt" >&2

# MARK: The three sides
BOUND=$((DUR + WARMUP + 120))
# start_side SIDE RUN: its responder (subscribed on auth.register), then its gateway (listening and
# answering the functional check); sets GW_PID, RESP_PID, GW_URL
start_side() {
    local side=$1 run=$2 http
    http=$(free_port)
    case $side in
    swift) spawn "$BOUND" "$side-responder-$run" "$GATEWAY_BENCH" responder --nats "$URL" ;;
    go) spawn "$BOUND" "$side-responder-$run" "$WORK/go-gateway" -mode responder -url "$URL" ;;
    fastapi) spawn "$BOUND" "$side-responder-$run" "$PYTHON" "$PEERS/py/auth_responder.py" --url "$URL" ;;
    esac
    RESP_PID=$LAST_PID
    wait_subscriptions auth.register 1
    case $side in
    swift)
        spawn "$BOUND" "$side-gateway-$run" "$GATEWAY_BENCH" gateway --nats "$URL" --port "$http"
        GW_URL=http://127.0.0.1:$http/auth/register
        ;;
    go)
        spawn "$BOUND" "$side-gateway-$run" "$WORK/go-gateway" -mode gateway -url "$URL" -listen "127.0.0.1:$http"
        GW_URL=http://127.0.0.1:$http/register
        ;;
    fastapi)
        # as run_all.sh starts it: in py/ (gateway:app imports models), NATS_URL in the environment
        (cd "$PEERS/py" && NATS_URL=$URL exec /usr/bin/time -f '%M' -o "$WORK/$side-gateway-$run.rss" \
            timeout --foreground -k 5 "$BOUND" "$PYTHON" -m uvicorn gateway:app --host 127.0.0.1 --port "$http" \
            --workers 1 --loop asyncio --http h11 --log-level warning --no-access-log) >"$LOGS/$side-gateway-$run.log" 2>&1 &
        LAST_PID=$!
        PIDS+=("$LAST_PID")
        GW_URL=http://127.0.0.1:$http/register
        ;;
    esac
    GW_PID=$LAST_PID
    local i
    for i in $(seq 1 150); do
        port_open "$http" && break
        kill -0 "$GW_PID" 2>/dev/null || die "the $side gateway exited; log: $(tail -5 "$LOGS/$side-gateway-$run.log")"
        sleep 0.1
    done
    port_open "$http" || die "the $side gateway never listened on $http"
    check_gateway "$side"
}

# check_gateway SIDE: the valid body gets 201 with the responder's {id, email, role}, the invalid one a
# 4xx (the peers answer 422, Switchboard 400 validation_failed); anything else stops the benchmark.
check_gateway() {
    local valid invalid
    valid=$(curl -s --max-time 5 -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' -d "$BODY" "$GW_URL")
    invalid=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$INVALID" "$GW_URL")
    "$PYTHON" - "$1" "$valid" "$invalid" <<'EOF' >&2 || die "the $1 gateway failed the functional check (logs in $LOGS)"
import json, sys, uuid
side, valid, invalid = sys.argv[1], sys.argv[2], sys.argv[3]
body, _, status = valid.rpartition("\n")
reply = json.loads(body) if status == "201" else {}
ok = (status == "201" and reply.get("email") == "alice@example.com" and reply.get("role") == "organizer"
      and str(uuid.UUID(reply.get("id", "0" * 32))) == reply.get("id", "").lower() and invalid in ("400", "422"))
print(f"  check {side}: valid -> {status} {body if ok else body[:200]}; invalid -> {invalid}")
sys.exit(0 if ok else 1)
EOF
}

# measure SIDE RUN: warm-up, then the timed wrk run; one JSON line (with both peak RSS) appended to $RAW
measure() {
    local side=$1 run=$2 rc=0 busy out=$LOGS/$1-wrk-$2.out
    start_side "$side" "$run"
    timeout --foreground -k 5 $((WARMUP + 30)) wrk -t2 -c64 -d"${WARMUP}s" -s "$POST_LUA" "$GW_URL" >"$LOGS/$side-warmup-$run.out" 2>&1 || true
    busy=$(quiet_wait)
    # CPU time each process spends during the timed run: gateway, responder, nats-server
    local procs=("$(leaf_pid "$GW_PID")" "$(leaf_pid "$RESP_PID")" "$(leaf_pid "$SERVER_PID")") before=() after=() p
    for p in "${procs[@]}"; do before+=("$(cpu_ticks "$p")"); done
    timeout --foreground -k 5 $((DUR + 30)) wrk -t2 -c64 -d"${DUR}s" --timeout 5s --latency -s "$POST_LUA" "$GW_URL" >"$out" 2>&1 || rc=$?
    for p in "${procs[@]}"; do after+=("$(cpu_ticks "$p")"); done
    local cpu_s
    cpu_s=$(for i in 0 1 2; do echo "$(( after[i] - before[i] ))"; done | awk -v hz="$(getconf CLK_TCK)" '{ printf "%s%.2f", (NR > 1 ? "," : ""), $1 / hz }')
    stop_pid "$GW_PID"
    stop_pid "$RESP_PID"
    wait_subscriptions auth.register 0
    "$PYTHON" - "$RAW" "$side" "$run" "$rc" "$out" "$(rss_kb "$side-gateway-$run")" "$(rss_kb "$side-responder-$run")" "$busy" "$cpu_s" <<'EOF' >&2
import json, sys
raw, side, run, rc, out, gw_rss, resp_rss, busy, cpu_s = sys.argv[1:]
row = {}
for line in open(out, errors="replace"):
    if line.startswith("WRKJSON "):
        row = json.loads(line[len("WRKJSON "):])
errors = sum(row.get(k, 0) for k in ("non2xx", "connect_err", "read_err", "write_err", "timeout_err"))
ok = int(rc) == 0 and row.get("requests", 0) > 0
# CPU µs per request of each process during the timed run (wrk's own CPU is not counted)
cpu = dict(zip(("gateway", "responder", "nats_server"), map(float, cpu_s.split(","))))
if ok:
    row.update({f"{k}_cpu_us": 1e6 * v / row["requests"] for k, v in cpu.items()})
row.update({"side": side, "run": int(run), "exit": int(rc), "errors": errors,
            "rate": row.get("req_per_s") if ok else None,
            "gateway_rss_kb": json.loads(gw_rss), "responder_rss_kb": json.loads(resp_rss),
            "busy_before_pct": int(busy), "load1": float(open("/proc/loadavg").read().split()[0])})
open(raw, "a").write(json.dumps(row) + "\n")
mib = lambda kb: f"{kb / 1024:,.1f}" if kb else "?"
status = (f"{row['rate']:>9,.0f} req/s  p50 {row['p50_us'] / 1000:,.2f} ms  p99 {row['p99_us'] / 1000:,.2f} ms"
          if row["rate"] else f"FAILED (exit {rc}, see {out})")
err = f"  errors {errors}" if errors else ""
if ok:
    status += "  cpu/req µs gw {gateway_cpu_us:,.0f} resp {responder_cpu_us:,.0f} nats {nats_server_cpu_us:,.0f}".format(**row)
print(f"  {side:<7} {status}  rss gateway {mib(row['gateway_rss_kb'])} MiB, responder {mib(row['responder_rss_kb'])} MiB"
      f"  (busy before {busy}%){err}")
EOF
}

read -ra SIDE_LIST <<<"$SIDES"
for side in "${SIDE_LIST[@]}"; do [[ $side == swift || $side == go || $side == fastapi ]] || die "unknown side '$side'"; done
for run in $(seq 1 "$RUNS"); do
    # rotate the order of the sides each run, so that none is always first after a pause
    shift_by=$(((run - 1) % ${#SIDE_LIST[@]}))
    order=("${SIDE_LIST[@]:shift_by}" "${SIDE_LIST[@]:0:shift_by}")
    log "gateway run $run/$RUNS (${order[*]}; load $(cut -d' ' -f1 /proc/loadavg))"
    for side in "${order[@]}"; do measure "$side" "$run"; done
done
stop_pid "$SERVER_PID"

# MARK: Summary
"$PYTHON" - "$OUT" "$DUR" <<'EOF' >"$OUT/gateway-summary.md"
import json, statistics, sys
from collections import defaultdict
out, dur = sys.argv[1:]
rows = [json.loads(l) for l in open(f"{out}/gateway.jsonl") if l.strip()]
values = defaultdict(list)          # (side, metric) -> per-run values of successful runs
failed, errors = defaultdict(int), defaultdict(list)
for r in rows:
    s = r["side"]
    if r["rate"] is None:
        failed[s] += 1
        continue
    values[(s, "rate")].append(r["rate"])
    for p in ("p50_us", "p99_us"): values[(s, p)].append(r[p] / 1000)
    for k in ("gateway_rss_kb", "responder_rss_kb"):
        if r.get(k): values[(s, k)].append(r[k] / 1024)
    for k in ("gateway_cpu_us", "responder_cpu_us", "nats_server_cpu_us"):
        if r.get(k) is not None: values[(s, k)].append(r[k])
    if r.get("errors"): errors[s].append(r["errors"])
metrics = [  # metric, label, higher is better, format
    ("rate", "requests/s", True, "{:,.0f}"),
    ("p50_us", "p50 latency, ms", False, "{:,.2f}"),
    ("p99_us", "p99 latency, ms", False, "{:,.2f}"),
    ("gateway_rss_kb", "peak RSS gateway, MiB", False, "{:,.1f}"),
    ("responder_rss_kb", "peak RSS responder, MiB", False, "{:,.1f}"),
    ("gateway_cpu_us", "CPU per request, gateway, µs", False, "{:,.0f}"),
    ("responder_cpu_us", "CPU per request, responder, µs", False, "{:,.0f}"),
    ("nats_server_cpu_us", "CPU per request, nats-server, µs", False, "{:,.0f}"),
]
sides = ("swift", "go", "fastapi")
med = lambda side, m: statistics.median(values[(side, m)]) if values[(side, m)] else None
runs = max((len(v) for v in values.values()), default=0)
summary = {"metrics": [], "goals": {}}
print(f"\nGateway: POST register → NATS request → responder → 201, wrk -t2 -c64 -d{dur}s, median of {runs} runs interleaved "
      "(Switchboard gateway + service host; Go net/http + nats.go, Go responder; FastAPI + uvicorn + nats-py, nats-py responder)\n")
print("| metric | Switchboard | Go | FastAPI | Switchboard vs Go | Switchboard vs FastAPI |")
print("|---|---:|---:|---:|---:|---:|")
ratios = {}
for m, label, higher, fmt in metrics:
    s, g, f = (med(x, m) for x in sides)
    def ratio(peer):
        if not s or not peer: return None
        return s / peer if higher else peer / s
    cell = lambda v: "—" if v is None else fmt.format(v)
    rc = lambda r: "—" if r is None else f"{r:.2f}×"
    ratios[m] = (ratio(g), ratio(f))
    print(f"| {label} | {cell(s)} | {cell(g)} | {cell(f)} | {rc(ratio(g))} | {rc(ratio(f))} |")
    summary["metrics"].append({"metric": m, "label": label, "swift": s, "go": g, "fastapi": f,
                               "swift_vs_go": ratio(g), "swift_vs_fastapi": ratio(f),
                               "runs": {x: values[(x, m)] for x in sides}})
print("\n(ratios: > 1 means Switchboard is better — requests/s Switchboard / peer; latency, RSS and CPU peer / Switchboard;"
      " CPU per request = user + system time of the process during the timed run / requests)")
go_rate, fa_rate = ratios["rate"]
go_p99 = ratios["p99_us"][0]
goal_go = go_rate is not None and go_p99 is not None and go_rate >= 1 and go_p99 >= 1
goal_fa = fa_rate is not None and fa_rate >= 5
mark = lambda ok: "✓ met" if ok else "✗ not met"
print(f"\nGoals: throughput ≥ Go's at a p99 no worse: {mark(goal_go)}; throughput ≥ 5× FastAPI's: {mark(goal_fa)}")
summary["goals"] = {"at_least_go_with_p99_no_worse": goal_go, "five_times_fastapi": goal_fa}
print("\nPer run, req/s: " + "; ".join(f"{x} " + ", ".join(f"{v:,.0f}" for v in values[(x, 'rate')]) for x in sides))
if errors: print(f"\nNon-2xx or socket errors per run: {dict(errors)}")
if failed: print(f"\nFailed runs (no result): {dict(failed)}")
summary["errors"], summary["failed"] = dict(errors), dict(failed)
json.dump(summary, open(f"{out}/gateway-summary.json", "w"), indent=2)
EOF
# scripts/bench.sh prints it with the other tables; on its own, this script prints it.
[[ -n ${SWITCHBOARD_BENCH_CHILD:-} ]] || cat "$OUT/gateway-summary.md" >&2
