/// The three states of a circuit breaker.
public enum CircuitState: String, Sendable, Hashable, CustomStringConvertible {
    /// Calls go through; outcomes are counted in the window.
    case closed
    /// Calls fail at once, without touching the dependency, until the wait is over.
    case open
    /// A few probe calls go through; their outcomes decide between closed and open.
    case halfOpen = "half-open"

    public var description: String { rawValue }
}

/// When a breaker opens and how it recovers (the defaults are resilience4j's).
public struct CircuitBreakerPolicy: Sendable {
    public enum Window: Sendable, Hashable {
        /// The last N calls.
        case lastCalls(Int)
        /// The calls of the last N seconds.
        case lastSeconds(Int)
    }

    public var window: Window = .lastCalls(100)
    /// Open when at least this share of the window's calls failed (0...1).
    public var failureRateThreshold = 0.5
    /// Open when at least this share of the window's calls were slow (1: never for slowness alone).
    public var slowCallRateThreshold = 1.0
    /// A call that takes at least this long is slow.
    public var slowCallDuration: Duration = .seconds(60)
    /// No judgement before the window holds this many calls.
    public var minimumCalls = 10
    /// How long the breaker stays open before letting probes through.
    public var openDuration: Duration = .seconds(30)
    /// Probe calls in half-open state; their failure rate decides.
    public var halfOpenProbes = 3
    /// Whether an error counts against the dependency. By default every error does except
    /// cancellation and errors that say otherwise (`DependencyErrorClassifying`): a payload that
    /// fails validation is not the dependency's fault.
    public var isFailure: @Sendable (any Error) -> Bool = { error in
        if error is CancellationError { return false }
        return (error as? any DependencyErrorClassifying)?.isDependencyFailure ?? true
    }

    public init() {}
}

/// An error that tells breakers whether it is a failure of the dependency.
public protocol DependencyErrorClassifying: Error {
    var isDependencyFailure: Bool { get }
}

/// The breaker's logic, pure: time comes in as `now` (any monotonic origin), decisions go out.
/// Calls carry the generation they started in, so a call that started before a state change
/// does not count in the next state (a slow call from before opening is not a probe).
public struct CircuitBreakerCore: Sendable {
    public enum Decision: Sendable, Hashable {
        case permitted(Ticket)
        /// Fail fast; the breaker may let probes through after `retryAfter`.
        case rejected(retryAfter: Duration)
    }

    /// A permitted call, handed back with its outcome.
    public struct Ticket: Sendable, Hashable {
        let generation: Int
        let started: Duration
    }

    public struct Transition: Sendable, Hashable {
        public let from: CircuitState
        public let to: CircuitState
    }

    private enum Window: Sendable {
        case count(CountWindow)
        case time(TimeWindow)
    }

    private enum State: Sendable {
        case closed(Window)
        case open(until: Duration)
        case halfOpen(permitsLeft: Int, totals: OutcomeTotals)
    }

    public let policy: CircuitBreakerPolicy
    private var state: State
    private var generation = 0

    public init(policy: CircuitBreakerPolicy = CircuitBreakerPolicy()) {
        precondition(policy.halfOpenProbes > 0 && policy.minimumCalls > 0, "a breaker needs probes and a minimum of calls")
        self.policy = policy
        self.state = .closed(Self.emptyWindow(policy))
    }

    public var current: CircuitState {
        switch state {
        case .closed: .closed
        case .open: .open
        case .halfOpen: .halfOpen
        }
    }

    /// The totals the closed state judges by (empty in the other states).
    public var windowTotals: OutcomeTotals {
        guard case .closed(let window) = state else { return OutcomeTotals() }
        switch window {
        case .count(let count): return count.totals
        case .time(let time): return time.totals
        }
    }

    /// May a call start now?
    public mutating func acquire(now: Duration) -> (Decision, Transition?) {
        switch state {
        case .closed:
            return (.permitted(Ticket(generation: generation, started: now)), nil)
        case .open(let until):
            guard now >= until else { return (.rejected(retryAfter: until - now), nil) }
            let transition = move(to: .halfOpen(permitsLeft: policy.halfOpenProbes - 1, totals: OutcomeTotals()))
            return (.permitted(Ticket(generation: generation, started: now)), transition)
        case .halfOpen(let permitsLeft, let totals):
            guard permitsLeft > 0 else { return (.rejected(retryAfter: .zero), nil) }
            state = .halfOpen(permitsLeft: permitsLeft - 1, totals: totals)
            return (.permitted(Ticket(generation: generation, started: now)), nil)
        }
    }

    /// A permitted call ended: `failed` nil when its outcome does not count (an error that is
    /// not the dependency's fault).
    public mutating func record(_ ticket: Ticket, failed: Bool?, now: Duration) -> Transition? {
        guard ticket.generation == generation else { return nil }
        guard let failed else {
            // Not counted; in half-open state the probe's place goes back.
            if case .halfOpen(let permitsLeft, let totals) = state { state = .halfOpen(permitsLeft: permitsLeft + 1, totals: totals) }
            return nil
        }
        let outcome = CallOutcome(failed: failed, slow: now - ticket.started >= policy.slowCallDuration)
        switch state {
        case .closed(var window):
            let totals: OutcomeTotals
            switch window {
            case .count(var count):
                count.record(outcome)
                totals = count.totals
                window = .count(count)
            case .time(var time):
                time.record(outcome, at: now.components.seconds)
                totals = time.totals
                window = .time(time)
            }
            state = .closed(window)
            guard totals.calls >= policy.minimumCalls, exceedsThresholds(totals) else { return nil }
            return move(to: .open(until: now + policy.openDuration))
        case .halfOpen(let permitsLeft, var totals):
            totals.add(outcome)
            guard totals.calls >= policy.halfOpenProbes else {
                state = .halfOpen(permitsLeft: permitsLeft, totals: totals)
                return nil
            }
            return exceedsThresholds(totals) ? move(to: .open(until: now + policy.openDuration)) : move(to: .closed(Self.emptyWindow(policy)))
        case .open:
            return nil
        }
    }

    /// Opens (or closes) by hand, as an operator would; the window starts anew.
    public mutating func force(_ target: CircuitState, now: Duration) -> Transition? {
        guard target != current else { return nil }
        switch target {
        case .closed: return move(to: .closed(Self.emptyWindow(policy)))
        case .open: return move(to: .open(until: now + policy.openDuration))
        case .halfOpen: return move(to: .halfOpen(permitsLeft: policy.halfOpenProbes, totals: OutcomeTotals()))
        }
    }

    private func exceedsThresholds(_ totals: OutcomeTotals) -> Bool {
        totals.failureRate >= policy.failureRateThreshold || totals.slowCallRate >= policy.slowCallRateThreshold
    }

    private mutating func move(to next: State) -> Transition {
        let from = current
        state = next
        generation += 1
        return Transition(from: from, to: current)
    }

    private static func emptyWindow(_ policy: CircuitBreakerPolicy) -> Window {
        switch policy.window {
        case .lastCalls(let calls): .count(CountWindow(size: calls))
        case .lastSeconds(let seconds): .time(TimeWindow(seconds: seconds))
        }
    }
}
