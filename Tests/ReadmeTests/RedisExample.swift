// See ValidationExample.swift.

import Redis

/// The error an example throws when its lease was overtaken.
private struct Stale: Error {}

func redisExample(id: Int) async throws {
// readme:begin
let redis = try RedisClient(url: "redis://alice:secret@127.0.0.1:6379/2")   // or RedisClient(options: RedisOptions(…))
try await redis.set("greeting", to: "hello", condition: .ifNotExists, expiration: .milliseconds(30_000))
let greeting = try await redis.get("greeting")                  // String?; getBuffer(_:) gives the bytes
try await redis.incr("visits"); try await redis.pexpire("visits", milliseconds: 500); try await redis.del("greeting")
let reply = try await redis.command("HGETALL", "user:\(id)")       // RedisReply: .status .error .integer .bulk .null .array
let script = RedisScript("return redis.call('incrby', KEYS[1], ARGV[1])")   // the source and its SHA1
try await redis.evalSHA(script, keys: ["n"], arguments: [5])    // SCRIPT LOAD and again when the server says NOSCRIPT
let replies = try await redis.connection.pipeline([["SET", "a", "1"], ["GET", "a"]])   // one write, replies in order
// readme:end
    _ = (greeting, reply, replies)

// readme:begin
let locks = RedisLock(redis)
let total = try await locks.withLock("order:42", ttl: .seconds(10), timeout: .seconds(5)) { lease in
    // …work…
    try lease.checkValid()                                     // or read lease.isLost / lease.isValid
    guard try await redis.fencedSet("order:42:state", to: "paid", lease: lease) else { throw Stale() }
    return 42
}
let lease = try await locks.acquire("report", ttl: .seconds(30), deadline: .now + .seconds(2))
try await locks.extend(lease)                                  // false (and lease.isLost) when it is not held any more
try await locks.release(lease)                                 // compare-and-delete: false, nothing deleted, for a non-holder
// readme:end
    _ = total
}
