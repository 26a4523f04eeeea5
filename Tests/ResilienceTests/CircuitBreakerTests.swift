import Synchronization
import Testing

@testable import Resilience

/// Every transition of the breaker, driven by a manual clock: no sleeps.
@Suite struct CircuitBreakerTests {
    func policy(_ change: (inout CircuitBreakerPolicy) -> Void = { _ in }) -> CircuitBreakerPolicy {
        var policy = CircuitBreakerPolicy()
        policy.window = .lastCalls(10)
        policy.minimumCalls = 4
        policy.failureRateThreshold = 0.5
        policy.openDuration = .seconds(30)
        policy.halfOpenProbes = 2
        change(&policy)
        return policy
    }

    /// Runs one call at `now` that fails or not; returns the transition it caused.
    @discardableResult
    func call(_ core: inout CircuitBreakerCore, failed: Bool?, at now: Duration, lasting: Duration = .zero) -> CircuitBreakerCore.Transition? {
        let (decision, opened) = core.acquire(now: now)
        guard case .permitted(let ticket) = decision else { return nil }
        return core.record(ticket, failed: failed, now: now + lasting) ?? opened
    }

    @Test func opensAtTheFailureRateOnceTheMinimumIsReached() {
        var core = CircuitBreakerCore(policy: policy())
        call(&core, failed: true, at: .seconds(1))
        call(&core, failed: true, at: .seconds(1))
        call(&core, failed: true, at: .seconds(1))
        #expect(core.current == .closed, "3 failures out of 3, but the minimum is 4 calls")
        let transition = call(&core, failed: false, at: .seconds(1))
        #expect(transition == CircuitBreakerCore.Transition(from: .closed, to: .open), "3 of 4 failed: 75% ≥ 50%")
        let (decision, _) = core.acquire(now: .seconds(11))
        #expect(decision == .rejected(retryAfter: .seconds(20)))
    }

    @Test func staysClosedBelowTheThresholdAndTheWindowForgets() {
        var core = CircuitBreakerCore(policy: policy())
        for index in 0..<40 { call(&core, failed: index % 3 == 1, at: .seconds(1)) }
        #expect(core.current == .closed, "a third failed: under 50%")
        #expect(core.windowTotals.calls == 10, "the window holds the last 10 calls")
        for _ in 0..<4 { call(&core, failed: true, at: .seconds(2)) }
        #expect(core.current == .open, "failures now make at least half of the last 10 calls")
    }

    @Test func halfOpenProbesCloseOrReopen() {
        var core = CircuitBreakerCore(policy: policy())
        for _ in 0..<4 { call(&core, failed: true, at: .zero) }
        #expect(core.current == .open)

        // After the wait, the first call is a probe: two are allowed, a third is refused.
        let (first, moved) = core.acquire(now: .seconds(30))
        #expect(moved == CircuitBreakerCore.Transition(from: .open, to: .halfOpen))
        let (second, _) = core.acquire(now: .seconds(30))
        #expect(core.acquire(now: .seconds(30)).0 == .rejected(retryAfter: .zero))
        guard case .permitted(let a) = first, case .permitted(let b) = second else { return #expect(Bool(false)) }
        #expect(core.record(a, failed: false, now: .seconds(31)) == nil)
        #expect(core.record(b, failed: true, now: .seconds(31)) == CircuitBreakerCore.Transition(from: .halfOpen, to: .open), "1 of 2 probes failed: 50%")

        // Next time both probes succeed: closed, with a fresh window.
        call(&core, failed: false, at: .seconds(61))
        #expect(core.current == .halfOpen)
        #expect(call(&core, failed: false, at: .seconds(61)) == CircuitBreakerCore.Transition(from: .halfOpen, to: .closed))
        #expect(core.windowTotals == OutcomeTotals())
    }

    @Test func outcomesThatDoNotCountGiveTheirProbeBack() {
        var core = CircuitBreakerCore(policy: policy())
        for _ in 0..<4 { call(&core, failed: true, at: .zero) }
        #expect(call(&core, failed: nil, at: .seconds(30)) == CircuitBreakerCore.Transition(from: .open, to: .halfOpen))
        for _ in 0..<10 { call(&core, failed: nil, at: .seconds(30)) }
        #expect(core.current == .halfOpen, "ignored outcomes never decide")
        call(&core, failed: false, at: .seconds(30))
        #expect(call(&core, failed: false, at: .seconds(30)) == CircuitBreakerCore.Transition(from: .halfOpen, to: .closed))
    }

    @Test func aCallFromBeforeAStateChangeDoesNotCountAfterIt() {
        var core = CircuitBreakerCore(policy: policy())
        guard case (.permitted(let slowpoke), _) = core.acquire(now: .zero) else { return #expect(Bool(false)) }
        for _ in 0..<4 { call(&core, failed: true, at: .seconds(1)) }
        _ = core.acquire(now: .seconds(40))  // half-open now
        #expect(core.record(slowpoke, failed: true, now: .seconds(40)) == nil)
        #expect(core.current == .halfOpen, "the old call is not one of the probes")
    }

    @Test func slowCallsOpenTheBreakerToo() {
        var core = CircuitBreakerCore(
            policy: policy {
                $0.slowCallDuration = .seconds(2)
                $0.slowCallRateThreshold = 0.75
            })
        for _ in 0..<3 { call(&core, failed: false, at: .zero, lasting: .seconds(3)) }
        #expect(core.current == .closed)
        #expect(call(&core, failed: false, at: .zero, lasting: .milliseconds(10)) == CircuitBreakerCore.Transition(from: .closed, to: .open))
    }

    @Test func aTimeWindowForgetsOldSeconds() {
        var core = CircuitBreakerCore(policy: policy { $0.window = .lastSeconds(10) })
        for _ in 0..<3 { call(&core, failed: true, at: .seconds(100)) }
        // Ten seconds later those failures left the window: 1 failure of 4 is under the threshold.
        for index in 0..<4 { call(&core, failed: index == 0, at: .seconds(111)) }
        #expect(core.current == .closed)
        #expect(core.windowTotals.calls == 4)
        for _ in 0..<4 { call(&core, failed: true, at: .seconds(112)) }
        #expect(core.current == .open)
    }

    @Test func theSharedBreakerFailsFastAndCountsWithoutCallingTheDependency() async throws {
        let clock = ManualTime()
        let transitions = Mutex<[CircuitBreakerCore.Transition]>([])
        let breaker = CircuitBreaker(name: "redis", policy: policy(), now: { clock.now }) { transition in
            transitions.withLock { $0.append(transition) }
        }
        struct Down: Error {}
        struct BadPayload: DependencyErrorClassifying { var isDependencyFailure: Bool { false } }
        for _ in 0..<5 { _ = try? await breaker.run { () async throws(BadPayload) -> Int in throw BadPayload() } }
        #expect(breaker.currentState == .closed, "a refused payload is not the dependency's fault")
        for _ in 0..<4 { _ = try? await breaker.run { () async throws -> Int in throw Down() } }
        #expect(breaker.currentState == .open)

        let reached = Mutex(0)
        await #expect(throws: CircuitOpenError(name: "redis", retryAfter: .seconds(30))) {
            try await breaker.run { reached.withLock { $0 += 1 } }
        }
        #expect(reached.withLock { $0 } == 0, "an open breaker never calls the dependency")

        clock.advance(by: .seconds(30))
        for _ in 0..<2 { try await breaker.run { reached.withLock { $0 += 1 } } }
        #expect(breaker.currentState == .closed)
        let statistics = breaker.statistics
        #expect(statistics.failures == 4 && statistics.ignored == 5 && statistics.successes == 2 && statistics.rejected == 1)
        #expect(statistics.transitions == 3)
        #expect(transitions.withLock { $0.map(\.to) } == [.open, .halfOpen, .closed])

        breaker.force(.open)
        #expect(breaker.currentState == .open)
    }
}

/// A monotonic time that moves only when told.
final class ManualTime: Sendable {
    private let value = Mutex(Duration.zero)
    var now: Duration { value.withLock { $0 } }
    func advance(by duration: Duration) { value.withLock { $0 += duration } }
}
