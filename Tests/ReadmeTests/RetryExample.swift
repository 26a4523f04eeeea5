// See ValidationExample.swift.

import GeneratedSchemas
import MessagingRuntime
import NIOCore
import Redis
import Resilience

func retryExample(redis: RedisClient, sharedBudget: RetryBudget) async throws {
// readme:begin
let value = try await withRetry(RetryPolicy(maxAttempts: 4), budget: sharedBudget, deadline: .now + .seconds(2)) { attempt in
    try await redis.get("config")
}
// readme:end
    _ = value
}

func idempotencyExample(
    redis: RedisClient, envelope: Envelope<Auth.RegisterRequest>, handle: (Envelope<Auth.RegisterRequest>) async throws -> ByteBuffer
) async throws {
// readme:begin
let store = IdempotencyStore(redis)
let result = try await store.process(messageID: envelope.messageId) { try await handle(envelope) }  // ByteBuffer
// readme:end
    _ = result
}
