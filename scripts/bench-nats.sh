#!/usr/bin/env bash
# scripts/bench-nats.sh OUTDIR: Switchboard's NATS client beside nats.go and nats-py, in one window.
# Called by scripts/bench.sh (ONLY=nats runs just this part); SWITCHBOARD must name a release build
# of the CLI. Workloads are those of shared/peers/README.md, run by the peers' own programs, unchanged:
#   publish    1,000,000 x 128 B to bench.req, no subscriber, then flush           (PUBN), PUB_REPS times
#              a run (a publish takes under a second: one sample a run is mostly the window's noise)
#   req c=1    echo responder in its own process on bench.req; 200 warm-up requests, then one in
#              flight for DUR s, 2 s timeout; p50/p99 by nearest rank
#   req c=64   subject bench.q, two responder processes in queue group q, 64 requesters on one connection
# Switchboard's CLI runs EventLoopExecutor.Mode.replies (a task resumed by a reply goes on on the event
# loop that read it). Two extra rows of req c=1, compared with the peers' req c=1: on Swift's plain pool
# (SWITCHBOARD_EXECUTOR=pool, what a process that installs nothing gets), and with the requesting task
# on the connection's event loop (`--on-event-loop`, NATSConnection.taskExecutor).
# Each side runs with its own responders (Switchboard: `switchboard nats reply --echo`; nats.go:
# natsbench resp; nats-py: nats_bench.py resp), as a user of that stack would; NATS_RESPONDERS=go gives
# every side the Go responders instead, to look at the requesting client alone.
# RUNS times, interleaved (the order of the sides rotates each run); the medians and the ratios go to
# OUTDIR/nats-summary.md and nats-summary.json (with the paired ratios: Switchboard's measurement over the
# peer's of the same run and repetition, whose median is steadier than a ratio of medians when the window drifts), every measurement to nats.jsonl, the logs to nats-logs/.
# Peak RSS of each client process comes from GNU time (%M, KiB).
#
# Environment: SWITCHBOARD, PEERS, RUNS (3), DUR (10), PUBN (1000000), PUB_REPS (5), MAX (5000000 requests at most
# per run, the peers' cap), PYTHON (python3), NATS_SIDES ("swift go py"), NATS_RESPONDERS (own|go).
# A private nats-server is started on free 127.0.0.1 ports (JetStream on, as run_all.sh does) and
# every process started here is bounded by `timeout` and stopped by its PID.
set -euo pipefail

OUT=${1:?usage: scripts/bench-nats.sh OUTDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SWITCHBOARD=${SWITCHBOARD:?set SWITCHBOARD to a release switchboard binary (scripts/bench.sh does)}
PEERS=${PEERS:-$ROOT/../shared/peers}
RUNS=${RUNS:-3}
DUR=${DUR:-10}
PUBN=${PUBN:-1000000}
PUB_REPS=${PUB_REPS:-5}
MAX=${MAX:-5000000}
PYTHON=${PYTHON:-python3}
SIDES=${NATS_SIDES:-swift go py}
NATS_RESPONDERS=${NATS_RESPONDERS:-own}
LOGS=$OUT/nats-logs
RAW=$OUT/nats.jsonl
mkdir -p "$LOGS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench-nats.XXXXXX")

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench-nats: %s\n' "$*" >&2; exit 1; }

# MARK: Prerequisites (make bench installs them: BENCH_APT_PACKAGES, BENCH_PIP_PACKAGES)
NATSBENCH_GO=$PEERS/go/natsbench/main.go
NATSBENCH_PY=$PEERS/py/nats_bench.py
[[ -f $NATSBENCH_GO && -f $NATSBENCH_PY ]] || die "the peers' NATS programs are missing under $PEERS (set PEERS=<shared/peers>)"
missing=()
for c in nats-server go; do command -v "$c" >/dev/null || missing+=("$c"); done
[[ -d /usr/share/gocode/src/github.com/nats-io/nats.go ]] || missing+=(golang-github-nats-io-go-nats-dev)
[[ -x /usr/bin/time ]] || missing+=("time (GNU time)")
"$PYTHON" -c 'import nats' 2>/dev/null || missing+=("nats-py (pip)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (make bench installs them)"
[[ -x $SWITCHBOARD ]] || die "no switchboard binary at $SWITCHBOARD"

# MARK: Processes: everything started here is bounded and stopped by PID
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [[ -n $p ]] && wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
# `timeout --foreground` keeps every process in this script's process group, so that bench.sh's
# overall deadline reaches them too; each one also has its own bound.
bounded() { local seconds=$1; shift; timeout --foreground -k 5 "$seconds" "$@"; }
# spawn SECONDS LOG CMD...: starts CMD in the background under `timeout` (which passes a TERM on);
# its PID is in LAST_PID and in PIDS. (Not `bounded … &`: that PID would be a subshell's.)
spawn() {
    local seconds=$1 logfile=$2; shift 2
    timeout --foreground -k 5 "$seconds" "$@" >"$logfile" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}
stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local kept=() p
    for p in "${PIDS[@]}"; do [[ $p != "$1" ]] && kept+=("$p"); done
    PIDS=("${kept[@]:-}")
}

# MARK: The peers' Go program, built into the work folder (as run_all.sh does; the source stays in $PEERS)
log "build: nats.go natsbench (GOPATH=/usr/share/gocode)"
GOCACHE_DIR=${GOCACHE_DIR:-$ROOT/.build-release/peers-gocache}
(cd "$PEERS/go/natsbench" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$GOCACHE_DIR GOFLAGS= \
    bounded 600 go build -o "$WORK/natsbench" main.go) || die "go build of $NATSBENCH_GO failed"

# MARK: nats-server on free loopback ports
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
MONITOR=$(free_port)
[[ $PORT != "$MONITOR" ]] || MONITOR=$(free_port)
URL=nats://127.0.0.1:$PORT
mkdir -p "$WORK/js"
SERVER_BOUND=$((RUNS * (12 * DUR + 300 * PUB_REPS * $(wc -w <<<"$SIDES") + 900) + 300))
spawn "$SERVER_BOUND" "$LOGS/nats-server.log" nats-server -a 127.0.0.1 -p "$PORT" -m "$MONITOR" -js -sd "$WORK/js"
SERVER_PID=$LAST_PID

# subscriptions / wait_subscriptions SUBJECT N: scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
wait_subscriptions bench.req 0

GO_VERSION=$(go version | cut -d' ' -f3)
NATS_GO_VERSION=$(dpkg-query -W -f='${Version}' golang-github-nats-io-go-nats-dev 2>/dev/null || echo '?')
NATS_PY_VERSION=$("$PYTHON" -c 'from importlib.metadata import version; print(version("nats-py"))' 2>/dev/null || echo '?')
{
    echo "nats-server: $(nats-server --version) on $URL (pid $SERVER_PID, JetStream on)"
    echo "nats.go: $NATS_GO_VERSION ($GO_VERSION); nats-py: $NATS_PY_VERSION ($("$PYTHON" --version 2>&1))"
    echo "NATS: RUNS=$RUNS DUR=$DUR PUBN=$PUBN PUB_REPS=$PUB_REPS MAX=$MAX sides='$SIDES' responders=$NATS_RESPONDERS"
} | tee -a "$OUT/environment.txt" >&2

# MARK: The three sides
# responder SIDE SUBJECT [QUEUE]: starts one echo responder in the background (PID appended to RESPONDERS)
RESPONDERS=()
responder() {
    local side=$1 subject=$2 queue=${3:-} name
    [[ $NATS_RESPONDERS == go ]] && side=go
    name=$LOGS/responder-$side-$subject-${#RESPONDERS[@]}.log
    local bound=$((DUR + 120))
    case $side in
    swift) spawn "$bound" "$name" "$SWITCHBOARD" nats reply "$subject" --echo ${queue:+--queue "$queue"} --server "$URL" ;;
    go) spawn "$bound" "$name" "$WORK/natsbench" resp -url "$URL" -subj "$subject" ${queue:+-queue "$queue"} ;;
    py) spawn "$bound" "$name" "$PYTHON" "$NATSBENCH_PY" resp --url "$URL" --subj "$subject" ${queue:+--queue "$queue"} ;;
    esac
    RESPONDERS+=("$LAST_PID")
}
stop_responders() {
    local p
    for p in "${RESPONDERS[@]}"; do stop_pid "$p"; done
    RESPONDERS=()
    wait_subscriptions "$1" 0
}

# client SIDE WORKLOAD: sets CMD to SIDE's client command for WORKLOAD (pub, req1, req64)
client() {
    local side=$1 workload=$2 subject=bench.req c=1
    case $workload in req64) subject=bench.q c=64 ;; esac
    case $side/$workload in
    swift/pub) CMD=("$SWITCHBOARD" nats bench pub --server "$URL" --count "$PUBN" --size 128 --subject bench.req --json) ;;
    go/pub) CMD=("$WORK/natsbench" pub -url "$URL" -n "$PUBN" -size 128 -subj bench.req) ;;
    py/pub) CMD=("$PYTHON" "$NATSBENCH_PY" pub --url "$URL" -n "$PUBN" --size 128 --subj bench.req) ;;
    swift/req1el) CMD=("$SWITCHBOARD" nats bench req --server "$URL" --duration "$DUR" --concurrency 1 --size 128
        --subject "$subject" --responders 0 --json --on-event-loop) ;;
    swift/req1pool) CMD=(env SWITCHBOARD_EXECUTOR=pool "$SWITCHBOARD" nats bench req --server "$URL" --duration "$DUR"
        --concurrency 1 --size 128 --subject "$subject" --responders 0 --json) ;;
    swift/req*) CMD=("$SWITCHBOARD" nats bench req --server "$URL" --duration "$DUR" --concurrency "$c" --size 128
        --subject "$subject" --responders 0 --json) ;;
    go/req*) CMD=("$WORK/natsbench" req -url "$URL" -subj "$subject" -c "$c" -d "${DUR}s" -max "$MAX") ;;
    py/req*) CMD=("$PYTHON" "$NATSBENCH_PY" req --url "$URL" --subj "$subject" -c "$c" -d "$DUR" --max "$MAX") ;;
    esac
}

# measure SIDE WORKLOAD RUN [REP]: runs the client under GNU time and appends one annotated JSON line to $RAW
measure() {
    local side=$1 workload=$2 run=$3 rep=${4:-1} bound rc=0
    local out=$LOGS/$side-$workload-$run${4:+.$4}.out
    bound=$((DUR + 60))
    [[ $workload == pub ]] && bound=300
    client "$side" "$workload"
    /usr/bin/time -f '%M' -o "$WORK/rss" timeout --foreground -k 5 "$bound" "${CMD[@]}" >"$out" 2>&1 || rc=$?
    "$PYTHON" - "$RAW" "$side" "$workload" "$run" "$rep" "$rc" "$WORK/rss" "$out" <<'EOF' >&2
import json, sys
raw, side, workload, run, rep, rc, rss_file, out = sys.argv[1:]
rss = [l for l in open(rss_file).read().split() if l.isdigit()]
row = {}
for line in open(out, errors="replace"):
    if line.startswith("{"):
        try: row = json.loads(line)
        except ValueError: pass
rate = row.get("msgs_per_s") or row.get("req_per_s") or row.get("reqs_per_s")
row.update({"side": side, "workload": workload, "run": int(run), "rep": int(rep), "exit": int(rc),
            "rss_kb": int(rss[-1]) if rss else None, "rate": rate if int(rc) == 0 else None,
            "load1": float(open("/proc/loadavg").read().split()[0])})
open(raw, "a").write(json.dumps(row) + "\n")
unit = "msg/s" if workload == "pub" else "req/s"
lat = f"  p50 {row['p50_us']:,.0f} µs  p99 {row['p99_us']:,.0f} µs" if "p50_us" in row else ""
err = f"  errors {row['errors']}" if row.get("errors") else ""
status = f"{rate:>12,.0f} {unit}{lat}" if row["rate"] else f"FAILED (exit {rc}, see {out})"
print(f"  {side:<5} {workload:<5} {status}  rss {row['rss_kb'] or 0:,} KiB{err}")
EOF
}

read -ra SIDE_LIST <<<"$SIDES"
# arrange ROTATE REVERSE SIDE...: the sides rotated left by ROTATE, then reversed if REVERSE is 1 (in ARRANGED)
arrange() {
    local rotate=$1 reverse=$2 i
    shift 2
    local sides=("$@")
    rotate=$((rotate % ${#sides[@]}))
    sides=("${sides[@]:rotate}" "${sides[@]:0:rotate}")
    ARRANGED=()
    if ((reverse)); then
        for ((i = ${#sides[@]} - 1; i >= 0; i--)); do ARRANGED+=("${sides[i]}"); done
    else
        ARRANGED=("${sides[@]}")
    fi
}
for run in $(seq 1 "$RUNS"); do
    # The order of the sides is a Williams design: rotated each run, and over the next block of as
    # many runs as there are sides, reversed too, so that each side comes first, and right after
    # each other side, equally often (rotation alone gave each side the same predecessor every run:
    # Switchboard always ran right after nats-py, and nats.go never did).
    arrange $((run - 1)) $((((run - 1) / ${#SIDE_LIST[@]}) % 2)) "${SIDE_LIST[@]}"
    order=("${ARRANGED[@]}")
    log "NATS run $run/$RUNS (${order[*]}; load $(cut -d' ' -f1 /proc/loadavg))"
    for rep in $(seq 1 "$PUB_REPS"); do
        # ABBA: every other repetition reverses the one before it (each pair of sides swaps places),
        # and each new pair of repetitions starts one side further on.
        arrange $(((rep - 1) / 2)) $(((rep - 1) % 2)) "${order[@]}"
        for side in "${ARRANGED[@]}"; do measure "$side" pub "$run" "$rep"; done
    done
    for side in "${order[@]}"; do
        responder "$side" bench.req
        wait_subscriptions bench.req 1
        measure "$side" req1 "$run"
        # Swift only: the same loop on Swift's plain pool, and with its task on the connection's event loop
        [[ $side == swift ]] && measure swift req1pool "$run" && measure swift req1el "$run"
        stop_responders bench.req
    done
    for side in "${order[@]}"; do
        responder "$side" bench.q q
        responder "$side" bench.q q
        wait_subscriptions bench.q 2
        measure "$side" req64 "$run"
        stop_responders bench.q
    done
done
stop_pid "$SERVER_PID"

# MARK: Summary
"$PYTHON" - "$OUT" "$NATS_GO_VERSION" "$NATS_PY_VERSION" "$NATS_RESPONDERS" "$PUBN" "$RUNS" "$PUB_REPS" <<'EOF' >"$OUT/nats-summary.md"
import json, statistics, sys
from collections import defaultdict
out, go_version, py_version, responders, pubn, runs, pub_reps = sys.argv[1:]
rows = [json.loads(l) for l in open(f"{out}/nats.jsonl") if l.strip()]
values = defaultdict(list)          # (side, metric) -> per-run values of successful runs
failed = defaultdict(int)
for r in rows:
    w, s = r["workload"], r["side"]
    if r["rate"] is None:
        failed[(s, w)] += 1
        continue
    values[(s, w + ".rate")].append(r["rate"])
    if r.get("rss_kb"): values[(s, w + ".rss")].append(r["rss_kb"] / 1024)
    for p in ("p50_us", "p99_us"):
        if p in r: values[(s, f"{w}.{p}")].append(r[p])
    if r.get("errors"): values[(s, w + ".errors")].append(r["errors"])
# metric, label, higher is better, format
metrics = [
    ("pub.rate", f"publish {int(pubn):,} × 128 B, msg/s", True, "{:,.0f}"),
    ("req1.rate", "req/reply 1 in flight, req/s", True, "{:,.0f}"),
    ("req1.p50_us", "… p50 µs", False, "{:,.0f}"),
    ("req1.p99_us", "… p99 µs", False, "{:,.0f}"),
    ("req1pool.rate", "… Switchboard on Swift's plain pool (SWITCHBOARD_EXECUTOR=pool), req/s", True, "{:,.0f}"),
    ("req1pool.p50_us", "… p50 µs", False, "{:,.0f}"),
    ("req1pool.p99_us", "… p99 µs", False, "{:,.0f}"),
    ("req1el.rate", "… Switchboard's task on the connection's event loop, req/s", True, "{:,.0f}"),
    ("req1el.p50_us", "… p50 µs", False, "{:,.0f}"),
    ("req1el.p99_us", "… p99 µs", False, "{:,.0f}"),
    ("req64.rate", "req/reply 64 in flight, queue group ×2, req/s", True, "{:,.0f}"),
    ("req64.p50_us", "… p50 µs", False, "{:,.0f}"),
    ("req64.p99_us", "… p99 µs", False, "{:,.0f}"),
    ("pub.rss", "peak RSS publish, MiB", False, "{:,.1f}"),
    ("req1.rss", "peak RSS req 1 in flight, MiB", False, "{:,.1f}"),
    ("req64.rss", "peak RSS req 64 in flight, MiB", False, "{:,.1f}"),
]
med = lambda side, m: statistics.median(values[(side, m)]) if values[(side, m)] else None
summary = {"responders": responders, "metrics": []}
print(f"\nNATS client, median of {runs} runs interleaved, publish {pub_reps} times a run (Switchboard vs nats.go {go_version} vs nats-py {py_version}; "
      f"{'each side with its own responders' if responders == 'own' else 'every side with the Go responders'})\n")
print("| metric | Switchboard | nats.go | nats-py | Switchboard vs nats.go | Switchboard vs nats-py |")
print("|---|---:|---:|---:|---:|---:|")
for m, label, higher, fmt in metrics:
    # req1pool and req1el are Switchboard's only: their peers are their plain req1 numbers
    peer = lambda m: m.replace("req1el", "req1").replace("req1pool", "req1")
    s, g, p = med("swift", m), med("go", peer(m)), med("py", peer(m))
    def ratio(peer):
        if s is None or peer is None or not s or not peer: return None
        return s / peer if higher else peer / s
    cell = lambda v: "—" if v is None else fmt.format(v)
    rc = lambda r: "—" if r is None else f"{r:.2f}×"
    print(f"| {label} | {cell(s)} | {cell(g)} | {cell(p)} | {rc(ratio(g))} | {rc(ratio(p))} |")
    summary["metrics"].append({"metric": m, "label": label, "swift": s, "go": g, "py": p,
                               "swift_vs_go": ratio(g), "swift_vs_py": ratio(p),
                               "runs": {x: values[(x, m if x == "swift" else peer(m))] for x in ("swift", "go", "py")}})
print("\n(ratios: > 1 means Switchboard is better — throughput Switchboard / peer; latency and RSS peer / Switchboard)")
print("\nPer run (req/s or msg/s): " + "; ".join(
    f"{w} " + ", ".join(f"{x} " + "/".join(f"{v / 1000:,.1f}k" for v in values[(x, w + '.rate')]) for x in ("swift", "go", "py"))
    for w in ("pub", "req1", "req1pool", "req1el", "req64")))
# Paired: each Switchboard measurement over the peer's of the same run (and repetition), taken
# seconds apart; their median is steadier than a ratio of medians when the window drifts.
measured = {(r["side"], r["workload"], r["run"], r.get("rep", 1)): r["rate"] for r in rows if r["rate"]}
def paired(workload, peer):
    ratios = sorted(rate / measured[(peer, w, run, rep)] for (side, w, run, rep), rate in measured.items()
                    if side == "swift" and w == workload and measured.get((peer, w, run, rep)))
    if not ratios: return None
    quartiles = statistics.quantiles(ratios, n=4, method="inclusive") if len(ratios) > 1 else [ratios[0]] * 3
    return {"pairs": len(ratios), "median": statistics.median(ratios), "q1": quartiles[0], "q3": quartiles[2],
            "min": ratios[0], "max": ratios[-1], "ratios": ratios}
summary["paired"] = {}
lines = []
for w, label in (("pub", "publish"), ("req1", "req/reply 1 in flight"), ("req64", "req/reply 64 in flight")):
    for peer, name in (("go", "nats.go"), ("py", "nats-py")):
        p = paired(w, peer)
        if p is None: continue
        summary["paired"][f"{w} vs {peer}"] = p
        lines.append(f"| {label} | {name} | {p['pairs']} | {p['median']:.2f}× | {p['q1']:.2f}–{p['q3']:.2f}× | "
                     f"{p['min']:.2f}–{p['max']:.2f}× |")
if lines:
    print("\nPaired throughput ratios (each Switchboard measurement over the peer's of the same run and repetition):\n")
    print("| workload | peer | pairs | median | middle half | all |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(lines))
errs = {f"{s} {w}": v for (s, w), v in values.items() if w.endswith(".errors")}
if errs: print(f"\nRequest errors (timeouts) per run: {errs}")
if failed: print(f"\nFailed runs (no result): {dict((f'{s} {w}', n) for (s, w), n in failed.items())}")
summary["failed"] = {f"{s} {w}": n for (s, w), n in failed.items()}
json.dump(summary, open(f"{out}/nats-summary.json", "w"), indent=2)
EOF
