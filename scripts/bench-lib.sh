# scripts/bench-lib.sh: shell functions the benchmark scripts share; sourced, not run.
# Expects from the caller, when the functions run: SWIFT, RELEASE_FLAGS and BUILD_TIMEOUT (release_build);
# PYTHON, MONITOR (nats-server's monitoring port), SERVER_PID, LOGS and die() (the others).

# release_build LOG ARGS...: `swift build -c release ARGS` under `timeout`, retried twice when a source
# file changed while it ran (others may be editing the tree), or when SwiftPM's build plan still names a
# source file that was since removed ("missing inputs": a nested package such as Benchmarks/ does not
# notice that a package it depends on by path lost a file; the plan, <scratch>/release.yaml, is made again).
release_build() {
    local logfile=$1; shift
    local scratch=.build args=("$@") i
    for ((i = 0; i < ${#args[@]}; i++)); do
        case ${args[i]} in
        --scratch-path) scratch=${args[i + 1]} ;;
        --package-path) [[ $scratch == .build ]] && scratch=${args[i + 1]}/.build ;;
        esac
    done
    for attempt in 1 2 3; do
        timeout "$BUILD_TIMEOUT" "$SWIFT" build -c release "${RELEASE_FLAGS[@]}" "$@" >"$logfile" 2>&1 && return 0
        if grep -q "because of missing inputs" "$logfile"; then
            echo "  the build plan names a removed file; planning again ($attempt/3)" >&2
            rm -f "$scratch/release.yaml"
        elif grep -q "was modified during the build" "$logfile"; then
            echo "  a source file changed during the build; retrying ($attempt/3)" >&2
            sleep 5
        else
            break
        fi
    done
    tail -30 "$logfile" >&2
    return 1
}

# subscriptions SUBJECT: how many subscriptions the server holds on SUBJECT (monitoring endpoint)
subscriptions() {
    "$PYTHON" - "$MONITOR" "$1" <<'PY'
import json, sys, urllib.request
port, subject = sys.argv[1], sys.argv[2]
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/connz?subs=1&limit=10000", timeout=2) as r:
        conns = json.load(r).get("connections") or []
except Exception:
    print(-1); sys.exit()
print(sum((c.get("subscriptions_list") or []).count(subject) for c in conns))
PY
}

# wait_subscriptions SUBJECT N: up to 15 s for exactly N subscriptions on SUBJECT
wait_subscriptions() {
    local i n
    for i in $(seq 1 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || die "nats-server exited; log: $(tail -5 "$LOGS/nats-server.log")"
        n=$(subscriptions "$1")
        [[ $n == "$2" ]] && return 0
        sleep 0.1
    done
    die "expected $2 subscription(s) on $1, the server has $n (logs in $LOGS)"
}
