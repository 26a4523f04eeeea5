#!/usr/bin/env python3
"""The other side of Switchboard's NATS interoperability test, on nats-py (an independent client).

    nats-py-interop.py respond URL SUBJECT COUNT
        Answers COUNT requests on SUBJECT with "py:" + payload, echoing the request's Trace
        header, and receives COUNT plain messages on SUBJECT.plain; exits 0 when both are done.
    nats-py-interop.py request URL SUBJECT COUNT
        Sends COUNT requests to SUBJECT (payload "n<i>", header Trace: <i>), expects the replies
        "swift:n<i>" with the same Trace, then publishes COUNT messages on SUBJECT.plain.

Exit codes: 0 ok, 1 a wrong or missing message, 2 usage, 3 nats-py missing. Gives up after 20 s.
"""
import asyncio
import sys

try:
    import nats
except ImportError:
    print("nats-py is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(3)

DEADLINE = 20


async def respond(url, subject, count):
    nc = await nats.connect(url, name="nats-py-interop", allow_reconnect=False)
    answered, plain = asyncio.Event(), asyncio.Event()
    state = {"requests": 0, "plain": 0, "errors": []}

    async def on_plain(msg):
        index = state["plain"]
        if msg.data != f"p{index}".encode() or (msg.headers or {}).get("Trace") != str(index):
            state["errors"].append(f"plain message {index}: {msg.data!r} {msg.headers}")
        state["plain"] += 1
        if state["plain"] == count:
            plain.set()

    async def on_request(msg):
        trace = (msg.headers or {}).get("Trace", "")
        await nc.publish(msg.reply, b"py:" + msg.data, headers={"Trace": trace, "Replied-By": "nats-py"})
        state["requests"] += 1
        if state["requests"] == count:
            answered.set()

    # The plain subscription first: once a request is answered, it is in place too.
    await nc.subscribe(subject + ".plain", cb=on_plain)
    await nc.subscribe(subject, cb=on_request)
    await nc.flush()
    await asyncio.wait_for(asyncio.gather(answered.wait(), plain.wait()), DEADLINE)
    await nc.drain()
    if state["errors"]:
        print("\n".join(state["errors"]), file=sys.stderr)
        return 1
    return 0


async def request(url, subject, count):
    nc = await nats.connect(url, name="nats-py-interop", allow_reconnect=False)
    errors = []
    for index in range(count):
        reply = await nc.request(subject, f"n{index}".encode(), timeout=5, headers={"Trace": str(index)})
        if reply.data != f"swift:n{index}".encode() or (reply.headers or {}).get("Trace") != str(index):
            errors.append(f"request {index}: {reply.data!r} {reply.headers}")
    for index in range(count):
        await nc.publish(subject + ".plain", f"p{index}".encode(), headers={"Trace": str(index)})
    await nc.flush()
    await nc.close()
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) != 5 or argv[1] not in ("respond", "request") or not argv[4].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    mode, url, subject, count = argv[1], argv[2], argv[3], int(argv[4])
    run = respond if mode == "respond" else request
    try:
        return asyncio.run(asyncio.wait_for(run(url, subject, count), DEADLINE + 5))
    except (asyncio.TimeoutError, nats.errors.Error) as error:
        print(f"{mode}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
