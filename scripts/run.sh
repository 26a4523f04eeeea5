#!/usr/bin/env bash
# make run: the event-booking example, for real, on this machine's loopback:
#   nats-server (with JetStream, data in $DATA_DIR/nats) on $NATS_PORT,
#   redis-server (no persistence) on $REDIS_PORT,
#   event-booking serve: the auth, events and bookings services (SQLite files in $DATA_DIR) and the
#   HTTP gateway on $HTTP_PORT, with /openapi.json from `switchboard export openapi`.
# A server already listening on its port is used as it is (and left running). Ctrl-C or SIGTERM
# stops the services gracefully, then the servers this script started, each by its PID.
#
# Environment: NATS_PORT (4222), REDIS_PORT (6379), HTTP_PORT (8080), DATA_DIR (.data),
# SWITCHBOARD_TOKEN_SECRET (≥ 32 bytes; a development secret otherwise), BIN (the build's bin folder).
set -euo pipefail
cd "$(dirname "$0")/.."

NATS_PORT=${NATS_PORT:-4222}
REDIS_PORT=${REDIS_PORT:-6379}
HTTP_PORT=${HTTP_PORT:-8080}
DATA_DIR=${DATA_DIR:-.data}
BIN=${BIN:-$(swift build --show-bin-path)}

mkdir -p "$DATA_DIR"
started=()
stop_all() {
    for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${started[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
}
trap stop_all EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # port, name
    for _ in $(seq 100); do listening "$1" && return 0; sleep 0.1; done
    echo "run: $2 did not start on 127.0.0.1:$1 (see $DATA_DIR/$2.log)" >&2
    exit 1
}

if listening "$NATS_PORT"; then
    echo "run: using the server already listening on 127.0.0.1:$NATS_PORT as NATS"
else
    nats-server -a 127.0.0.1 -p "$NATS_PORT" --jetstream --store_dir "$DATA_DIR/nats" >"$DATA_DIR/nats-server.log" 2>&1 &
    started+=($!)
    wait_for "$NATS_PORT" nats-server
fi
if listening "$REDIS_PORT"; then
    echo "run: using the server already listening on 127.0.0.1:$REDIS_PORT as Redis"
else
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >"$DATA_DIR/redis-server.log" 2>&1 &
    started+=($!)
    wait_for "$REDIS_PORT" redis-server
fi

"$BIN/switchboard" export openapi --output "$DATA_DIR/openapi.json"

# The local servers take no credentials or TLS: settings of another NATS in the shell stay out.
env -u NATS_USER -u NATS_PASSWORD -u NATS_CREDS -u NATS_NKEY -u NATS_CA -u NATS_CERT -u NATS_KEY \
    "$BIN/event-booking" serve --nats "nats://127.0.0.1:$NATS_PORT" --redis "redis://127.0.0.1:$REDIS_PORT" \
    --http-port "$HTTP_PORT" --data-dir "$DATA_DIR" --openapi "$DATA_DIR/openapi.json" &
service=$!
started=("$service" "${started[@]}")
wait_for "$HTTP_PORT" event-booking
cat <<TEXT

  The event-booking services and the gateway run on http://127.0.0.1:$HTTP_PORT (Ctrl-C stops them).

  curl -s -X POST localhost:$HTTP_PORT/auth/register -H 'content-type: application/json' \\
       -d '{"email":"olga@example.com","password":"correct horse battery","role":"organizer"}'
  curl -s -X POST localhost:$HTTP_PORT/auth/login -H 'content-type: application/json' \\
       -d '{"email":"olga@example.com","password":"correct horse battery"}'
  curl -s localhost:$HTTP_PORT/events ; curl -s localhost:$HTTP_PORT/openapi.json | head
  curl -s localhost:$HTTP_PORT/metrics | head

TEXT
trap 'kill -TERM "$service" 2>/dev/null || true' INT TERM
wait "$service" || true
