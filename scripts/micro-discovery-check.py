#!/usr/bin/env python3
"""Asks a Switchboard service what NATS tooling asks, from an independent client (nats-py):

    micro-discovery-check.py URL SERVICE

sends $SRV.PING, $SRV.INFO.<SERVICE> and $SRV.STATS.<SERVICE>, checks each reply against the
NATS micro protocol (ADR-32: response types, required fields and their JSON types, endpoint
entries), and prints the endpoints with their request counts as JSON. Exit 0 ok, 1 a reply breaks
the protocol, 3 nats-py missing.
"""
import asyncio
import json
import sys

try:
    import nats
except ImportError:
    print("nats-py is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(3)

COMMON = {"type": str, "name": str, "id": str, "version": str, "metadata": dict}
INFO_ENDPOINT = {"name": str, "subject": str, "queue_group": str}
STATS_ENDPOINT = {"name": str, "subject": str, "queue_group": str, "num_requests": int, "num_errors": int,
                  "last_error": str, "processing_time": int, "average_processing_time": int}


def check(obj, fields, where, problems):
    for key, kind in fields.items():
        if key not in obj:
            problems.append(f"{where}: no {key}")
        elif not isinstance(obj[key], kind) or (kind is int and isinstance(obj[key], bool)):
            problems.append(f"{where}: {key} is {type(obj[key]).__name__}, not {kind.__name__}")


async def main(url, service):
    nc = await nats.connect(url, name="micro-discovery-check", allow_reconnect=False)
    problems, replies = [], {}
    for verb, subject in (("ping", "$SRV.PING"), ("info", f"$SRV.INFO.{service}"), ("stats", f"$SRV.STATS.{service}")):
        message = await nc.request(subject, b"", timeout=15)
        reply = json.loads(message.data)
        replies[verb] = reply
        check(reply, COMMON, verb, problems)
        if reply.get("type") != f"io.nats.micro.v1.{verb}_response":
            problems.append(f"{verb}: type is {reply.get('type')!r}")
        if reply.get("name") != service:
            problems.append(f"{verb}: name is {reply.get('name')!r}")
    check(replies["info"], {"description": str, "endpoints": list}, "info", problems)
    for endpoint in replies["info"].get("endpoints", []):
        check(endpoint, INFO_ENDPOINT, "info endpoint", problems)
    check(replies["stats"], {"started": str, "endpoints": list}, "stats", problems)
    for endpoint in replies["stats"].get("endpoints", []):
        check(endpoint, STATS_ENDPOINT, "stats endpoint", problems)
    ids = {replies[verb].get("id") for verb in replies}
    if len(ids) != 1:
        problems.append(f"the replies name different ids: {ids}")
    await nc.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(json.dumps({e["name"]: e["num_requests"] for e in replies["stats"].get("endpoints", [])}, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
