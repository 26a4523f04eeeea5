import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Calls fail at once, without reaching the dependency, while its breaker is open.
public struct CircuitOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The breaker's name (the dependency).
    public let name: String
    /// When the breaker will let a probe through (a `Retry-After` for HTTP).
    public let retryAfter: Duration

    public var description: String { "circuit '\(name)' is open; retry after \(retryAfter)" }
}

/// What a breaker did so far: for stats and metrics.
public struct CircuitBreakerStatistics: Sendable, Hashable {
    public var state: CircuitState
    public var successes = 0
    public var failures = 0
    /// Calls that ended with an error that does not count against the dependency.
    public var ignored = 0
    public var slowCalls = 0
    /// Calls refused because the breaker was open (or out of probes).
    public var rejected = 0
    public var transitions = 0
    /// The closed state's window now.
    public var window = OutcomeTotals()
}

/// A circuit breaker around calls to one dependency (Redis, a downstream service): the pure
/// `CircuitBreakerCore` behind a lock, timed by an injected monotonic clock. Thread-safe; the
/// bookkeeping per call is two short critical sections.
public final class CircuitBreaker: Sendable {
    public let name: String
    private let now: @Sendable () -> Duration
    private let onTransition: (@Sendable (CircuitBreakerCore.Transition) -> Void)?
    private let state: Mutex<(core: CircuitBreakerCore, statistics: CircuitBreakerStatistics)>

    /// - Parameters:
    ///   - now: a monotonic time source (tests pass a manual one); the default is `CoarseClock`.
    ///   - onTransition: told of every state change (closed → open…), outside the lock.
    public init(
        name: String, policy: CircuitBreakerPolicy = CircuitBreakerPolicy(), now: (@Sendable () -> Duration)? = nil,
        onTransition: (@Sendable (CircuitBreakerCore.Transition) -> Void)? = nil
    ) {
        self.name = name
        self.now = now ?? CoarseClock.now
        self.onTransition = onTransition
        self.state = Mutex((CircuitBreakerCore(policy: policy), CircuitBreakerStatistics(state: .closed)))
    }

    public var currentState: CircuitState { state.withLock { $0.core.current } }

    public var statistics: CircuitBreakerStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.state = state.core.current
            statistics.window = state.core.windowTotals
            return statistics
        }
    }

    /// Runs `operation` if the breaker allows it and records how it went.
    /// - Throws: `CircuitOpenError` without running it when open; else whatever it throws.
    public func run<T>(_ operation: () async throws -> T) async throws -> T {
        let ticket = try acquire()
        do {
            let value = try await operation()
            record(ticket, failed: false)
            return value
        } catch {
            record(ticket, failed: state.withLock { $0.core.policy.isFailure(error) } ? true : nil)
            throw error
        }
    }

    /// The two halves of `run`, for callers that cannot wrap the call in a closure.
    public func acquire() throws(CircuitOpenError) -> CircuitBreakerCore.Ticket {
        let time = now()
        let (decision, transition) = state.withLock { state in
            let result = state.core.acquire(now: time)
            if case .rejected = result.0 { state.statistics.rejected += 1 }
            if result.1 != nil { state.statistics.transitions += 1 }
            return result
        }
        if let transition { onTransition?(transition) }
        switch decision {
        case .permitted(let ticket): return ticket
        case .rejected(let retryAfter): throw CircuitOpenError(name: name, retryAfter: retryAfter)
        }
    }

    /// - Parameter failed: nil when the outcome does not count against the dependency.
    public func record(_ ticket: CircuitBreakerCore.Ticket, failed: Bool?) {
        let time = now()
        let transition = state.withLock { state in
            switch failed {
            case true?: state.statistics.failures += 1
            case false?: state.statistics.successes += 1
            case nil: state.statistics.ignored += 1
            }
            if time - ticket.started >= state.core.policy.slowCallDuration { state.statistics.slowCalls += 1 }
            let transition = state.core.record(ticket, failed: failed, now: time)
            if transition != nil { state.statistics.transitions += 1 }
            return transition
        }
        if let transition { onTransition?(transition) }
    }

    /// Forces a state, as an operator would (e.g. open during maintenance).
    public func force(_ target: CircuitState) {
        let time = now()
        let transition = state.withLock { state in
            let transition = state.core.force(target, now: time)
            if transition != nil { state.statistics.transitions += 1 }
            return transition
        }
        if let transition { onTransition?(transition) }
    }
}

/// Monotonic time at the kernel tick's resolution (CLOCK_MONOTONIC_COARSE, a few milliseconds),
/// read from the vDSO in a few nanoseconds: plenty for a breaker's durations, which are seconds.
/// (ContinuousClock's CLOCK_BOOTTIME took ~250 ns a read here, SuspendingClock's ~50 ns: most of
/// a breaker call's overhead.)
public enum CoarseClock {
    @Sendable public static func now() -> Duration {
        #if os(Linux)
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        #else
        return origin.duration(to: .now)
        #endif
    }

    private static let origin = SuspendingClock.now
}
