// See ValidationExample.swift.

import NATSClient
import NATSWire
import NIOCore

/// What the examples do with a message.
private func handle(_ message: some Sendable) {}

func natsClientExample() async throws {
// readme:begin
var options = NATSOptions(servers: ["nats://127.0.0.1:4222", "nats://127.0.0.1:4223"], name: "orders")
options.user = "svc"; options.password = "…"          // or options.token, or nats://user:pass@host
options.maxReconnectAttempts = 60                        // give up after 60 failed attempts in a row per server (default: never)
options.retryOnFailedConnect = true                      // default: a first connect tries each server once
options.reconnectDelay = .milliseconds(250)              // backoff ceilings: 250 ms doubling up to
options.maxReconnectDelay = .seconds(5)                  //   5 s (defaults 100 ms and 2 s), full jitter
options.ignoreDiscoveredServers = true                   // only the URLs given, not INFO's connect_urls
options.inboxPrefix = "_INBOX_orders"                    // reply subjects under a prefix the account allows
options.noEcho = true                                    // not delivered its own publishes
let nats = try await NATSConnection.connect(options)

let orders = try await nats.subscribe("orders.*", queue: "workers")   // queue group
Task { for await message in orders { print(message.subject, String(buffer: message.payload)) } }

try nats.publish("orders.created", payload: ByteBuffer(string: "{}"))
try nats.publish("orders.created", payload: Array(#"{"id":1}"#.utf8))   // [UInt8]: no ByteBuffer made
let reply = try await nats.request("auth.register", payload: ByteBuffer(string: "{}"), timeout: .seconds(2))  // default 5 s
var headers: NATSHeaders = ["Trace-Id": "abc"]; headers.add("Tag", "a"); headers.add("Tag", "b")   // a multimap
try nats.publish("orders.created", payload: ByteBuffer(string: "{}"), headers: headers, replyTo: "orders.done")  // HPUB
print(reply.headers?["Trace-Id"] ?? "-", reply.headers?.values("Tag") ?? [], reply.headers?.status ?? 200)  // NATS/1.0 status line
orders.unsubscribe(after: 100)                           // UNSUB with max: ends once 100 messages in all were delivered
try await nats.flush()                                   // PING/PONG, 10 s timeout by default
if case .connected(let server, let info) = await nats.status() { print(server, info.version, info.maxPayload) }
let roundTrip = try await nats.rtt()                     // a PING answered by its PONG
Task { for await event in nats.events { print(event) } } // connected, disconnected, reconnected, lameDuck, slowConsumer…
Task { for await event in nats.makeEventStream() { print("audit", event) } }  // another reader, from now on
try await nats.drain()                                   // unsubscribe, deliver what arrived, let readers finish (30 s), flush, close
// readme:end
    _ = (reply, roundTrip)


// readme:begin
// A handler on the event loop, as nats.go's Subscribe(subject, callback): no task per message; it must
// not block. The returned subscription unsubscribes and drains; its sequence yields nothing.
let echo = try await nats.subscribe("echo", queue: "echoes") { message in
    if let replyTo = message.replyTo { try? nats.publish(replyTo, payload: message.payload) }
}

let audit = try await nats.subscribe("audit.>", pendingLimits: .init(messages: 10_000, bytes: 8 << 20))
audit.pendingLimits.bytes = 16 << 20                     // change them later; 0 means no limit
print(audit.pending, audit.droppedMessages)              // also per subscription in nats.statistics()
for await message in audit { handle(message) }
if let error = audit.error { print(error) }              // .permissionViolation: the server refused the SUB
// readme:end
    _ = echo

// readme:begin
options.nkeySeed = try NATSOptions.nkeySeed(contentsOf: "user.nk")  // NKey: signs the server's nonce
options.credentialsFile = "service.creds"   // user JWT + NKey seed as nsc writes them; re-read at every connect
options.tls = NATSTLSOptions(caFile: "ca.pem", certificateFile: "client.pem", keyFile: "client.key")
// readme:end

// readme:begin
let js = nats.jetStream()                                 // or jetStream(domain: "hub"), jetStream(apiPrefix:)
var config = StreamConfig(name: "ORDERS", subjects: ["orders.>"])
config.maxAge = .seconds(7 * 86_400)                     // duplicateWindow: the server's (2 min, or maxAge if shorter)
try await js.ensureStream(config)                         // create, or update when it differs
let ack = try await js.publish("orders.created", payload: ByteBuffer(string: "{}"), messageID: "order-42",
                               expect: PublishExpectations(stream: "ORDERS"))
print(ack.stream, ack.sequence, ack.duplicate)            // duplicate: the id was seen within the window

try await js.createConsumer(stream: "ORDERS", ConsumerConfig(durableName: "billing", filterSubject: "orders.created"))
// an existing one with another configuration is refused (isConsumerAlreadyExists); updateConsumer changes it
let billing = js.pullConsumer(stream: "ORDERS", name: "billing")
for message in try await billing.fetch(batch: 10, expires: .seconds(5)) {   // [] when nothing came in time
    print(message.metadata.streamSequence, message.metadata.delivered)
    try message.ack()                                     // or nak(delay:), term(), inProgress(); ackConfirmed() waits
}                                                         // one final answer each: a second is .alreadyAcknowledged
try await billing.pull(batch: 10, expires: .seconds(5)) { message in handle(message) }   // each one as it comes
for try await message in billing.messages(batch: 64) { handle(message); try message.ack() }   // pulls again and again
// readme:end
}

func executorExample() async throws {
// readme:begin
EventLoopExecutor.install(.replies)                      // first thing in main: .pool (the default), .replies, .eventLoops
let client = try await NATSConnection.connect(NATSOptions())
let profile = try await withTaskExecutorPreference(client.taskExecutor) {   // this task on the connection's loop
    try await client.request("auth.me", payload: ByteBuffer(string: "{}"))
}
// readme:end
    _ = profile
}
