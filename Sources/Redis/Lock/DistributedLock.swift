/// A lock service that grants leases with fencing tokens: one Redis (`RedisLock`) or a majority
/// of independent ones (`Redlock`). Waiting with backoff (`acquire`) and scoping (`withLock`)
/// are written once, here and in `DistributedLock+WithLock.swift`.
public protocol DistributedLock: Sendable {
    var options: RedisLockOptions { get }
    /// One attempt: the lease, or nil when someone else holds the lock.
    func tryAcquire(_ resource: String, ttl: Duration) async throws -> RedisLease?
    /// Gives the lock up if `lease` still holds it; false when it did not (nothing deleted).
    @discardableResult
    func release(_ lease: RedisLease) async throws -> Bool
    /// Renews the lock's TTL if `lease` still holds it; false, and the lease marked lost, when not.
    @discardableResult
    func extend(_ lease: RedisLease, ttl: Duration?) async throws -> Bool
}

extension DistributedLock {
    /// Takes the lock, trying again with backoff and jitter while someone else holds it, until
    /// `deadline`. Connection failures that sent nothing (`RedisError.isRetryable`) are retried
    /// the same way; other errors are thrown at once.
    /// - Throws: `RedisLockError` `.notAcquired` at the deadline; `CancellationError`; `RedisError`.
    public func acquire(_ resource: String, ttl: Duration, deadline: ContinuousClock.Instant) async throws -> RedisLease {
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        var lastError: (any Error)?
        while true {
            try Task.checkCancellation()
            do {
                if let lease = try await tryAcquire(resource, ttl: ttl) { return lease }
                lastError = nil
            } catch let error as RedisError where error.isRetryable {
                lastError = error
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                let why = lastError.map { "Redis failed: \($0)" } ?? "held by another owner"
                throw RedisLockError(.notAcquired, resource: resource, "\(why) until the deadline")
            }
            try await Task.sleep(for: min(options.retryBackoff.delay(forAttempt: attempt, using: &random), remaining))
            attempt += 1
        }
    }

    /// `acquire` with a deadline `timeout` from now.
    public func acquire(_ resource: String, ttl: Duration, timeout: Duration) async throws -> RedisLease {
        try await acquire(resource, ttl: ttl, deadline: .now + timeout)
    }

    /// `extend` by the lease's own TTL.
    @discardableResult
    public func extend(_ lease: RedisLease) async throws -> Bool {
        try await extend(lease, ttl: nil)
    }

    /// The lease's local end: the TTL from before the request, less the drift allowance.
    func validity(from started: ContinuousClock.Instant, ttl: Duration) -> ContinuousClock.Instant {
        started + ttl - ttl * options.driftFactor - .milliseconds(2)
    }
}
