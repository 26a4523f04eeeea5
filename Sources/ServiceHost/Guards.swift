import MessagingRuntime
import Resilience

/// Holds a distributed lock while a handler runs; the lease's fencing token goes to the handler.
public protocol LockGuard: Sendable {
    func withLock<T: Sendable>(
        key: String, ttl: Duration, deadline: ContinuousClock.Instant, _ work: @Sendable (_ fencingToken: Int64) async throws -> T
    ) async throws -> T
}

/// The lock of a `lock:` subject could not be had before the request's deadline: 503, try again.
public struct LockUnavailable: Error, Sendable, CustomStringConvertible {
    public let key: String
    public init(key: String) { self.key = key }
    public var description: String { "the lock '\(key)' is held by another request" }
}

extension ErrorReply: DependencyErrorClassifying {
    /// An answer of the service (a schema error, an invalid payload) is not a failure of what it depends on.
    public var isDependencyFailure: Bool { status >= 500 }
}

extension ServiceError: DependencyErrorClassifying {
    public var isDependencyFailure: Bool { status >= 500 }
}

extension ValidationError: DependencyErrorClassifying {
    public var isDependencyFailure: Bool { false }
}
