/// Keeps a lease alive while its work runs: it extends the lock every `interval` (default a third
/// of the TTL). When an extension finds the lock gone, or the lease's local validity passes
/// without a successful extension (Redis unreachable), the lease is marked lost
/// (`RedisLease.isLost`) and, if `cancelsWorkOnLoss`, the work's task is cancelled.
public struct LeaseWatchdog: Sendable, Hashable {
    public var interval: Duration?
    public var cancelsWorkOnLoss: Bool

    public init(interval: Duration? = nil, cancelsWorkOnLoss: Bool = true) {
        self.interval = interval
        self.cancelsWorkOnLoss = cancelsWorkOnLoss
    }
}

/// How the work and its watchdog ended, as the task group of `withLock` sees it.
private enum WatchedOutcome<T: Sendable>: Sendable {
    case finished(T)
    case lost
    case watchdogStopped
}

extension DistributedLock {
    /// Takes the lock (waiting until `deadline`), runs `body` with the lease, and releases it on
    /// every path: success, error and cancellation. With a watchdog (the default) the lease is
    /// extended while `body` runs.
    /// - Throws: what `acquire` throws; what `body` throws; `RedisLockError` `.leaseLost` when the
    ///   watchdog lost the lease and cancelled `body`.
    public func withLock<T: Sendable>(
        _ resource: String, ttl: Duration, deadline: ContinuousClock.Instant, watchdog: LeaseWatchdog? = LeaseWatchdog(),
        _ body: @Sendable (RedisLease) async throws -> T
    ) async throws -> T {
        let lease = try await acquire(resource, ttl: ttl, deadline: deadline)
        do {
            let value: T
            if let watchdog {
                value = try await run(body, with: lease, watchdog: watchdog)
            } else {
                value = try await body(lease)
            }
            await releaseQuietly(lease)
            return value
        } catch {
            await releaseQuietly(lease)
            if error is CancellationError, lease.isLost, !Task.isCancelled {
                throw RedisLockError(.leaseLost, resource: resource, "the watchdog could not keep the lease; the work was cancelled")
            }
            throw error
        }
    }

    /// `withLock` with a deadline `timeout` from now.
    public func withLock<T: Sendable>(
        _ resource: String, ttl: Duration, timeout: Duration, watchdog: LeaseWatchdog? = LeaseWatchdog(),
        _ body: @Sendable (RedisLease) async throws -> T
    ) async throws -> T {
        try await withLock(resource, ttl: ttl, deadline: .now + timeout, watchdog: watchdog, body)
    }

    /// Release errors are not the work's: the lock expires by its TTL anyway.
    private func releaseQuietly(_ lease: RedisLease) async {
        _ = try? await release(lease)
    }

    private func run<T: Sendable>(
        _ body: @Sendable (RedisLease) async throws -> T, with lease: RedisLease, watchdog: LeaseWatchdog
    ) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: WatchedOutcome<T>.self) { group in
                group.addTask { .finished(try await body(lease)) }
                group.addTask { await watch(lease, interval: watchdog.interval ?? lease.ttl / 3) }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .finished(let value):
                        group.cancelAll()
                        return value
                    case .lost:
                        if watchdog.cancelsWorkOnLoss { group.cancelAll() }
                    case .watchdogStopped:
                        break
                    }
                }
                throw CancellationError()  // unreachable: the work's task always reports
            }
        }
    }

    /// Extends until cancelled (the work ended) or the lease is lost.
    private func watch<T>(_ lease: RedisLease, interval: Duration) async -> WatchedOutcome<T> {
        while true {
            // After a failed extension, try again sooner, before the lease runs out.
            let wait = min(interval, max(ContinuousClock.now.duration(to: lease.validUntil) / 2, .milliseconds(1)))
            do { try await Task.sleep(for: wait) } catch { return .watchdogStopped }
            if lease.isReleased { return .watchdogStopped }
            do {
                if try await extend(lease) == false { return .lost }
            } catch {
                if ContinuousClock.now >= lease.validUntil {
                    lease.markLost()
                    return .lost
                }
            }
        }
    }
}
