# scripts/bench-lib.sh: shell functions the benchmark scripts share; sourced, not run.
# Expects PYTHON, MONITOR (nats-server's monitoring port), SERVER_PID, LOGS and die() from the caller.

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
