import MessagingRuntime
import NIOCore
import Redis

/// The Redis lock guards `lock:` subjects: the lease's fencing token reaches the handler, and a
/// lock not had before the request's deadline is a 503 (`LockUnavailable`).
extension RedisLock: LockGuard {
    public func withLock<T: Sendable>(
        key: String, ttl: Duration, deadline: ContinuousClock.Instant, _ work: @Sendable (_ fencingToken: Int64) async throws -> T
    ) async throws -> T {
        do {
            return try await withLock(key, ttl: ttl, deadline: deadline) { lease in try await work(lease.fencingToken) }
        } catch let error as RedisLockError where error.code == .notAcquired {
            throw LockUnavailable(key: key)
        }
    }
}

/// The Redis idempotency store runs a handler once per message id; its own TTL applies.
extension IdempotencyStore: IdempotencyGuard {
    public func once(messageId: String, ttl: Duration, _ work: @Sendable () async throws -> [UInt8]) async throws -> [UInt8] {
        let reply = try await process(messageID: messageId) { ByteBuffer(bytes: try await work()) }
        return Array(reply.reply.readableBytesView)
    }
}
