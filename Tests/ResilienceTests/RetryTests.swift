import Synchronization
import TestSupport
import Testing

@testable import Resilience

/// Retries: attempts, backoff, budget, deadline and cancellation, with waits recorded, not slept.
@Suite struct RetryTests {
    struct Flaky: RetryClassifying, Equatable {
        var isRetryable = true
    }

    /// Runs `withRetry` with the waits recorded instead of slept.
    func run(
        _ policy: RetryPolicy, budget: RetryBudget? = nil, deadline: ContinuousClock.Instant? = nil, failures: Int,
        error: Flaky = Flaky()
    ) async -> (attempts: Int, waits: [Duration], result: Result<String, any Error>) {
        let waits = Mutex<[Duration]>([])
        let attempts = Mutex(0)
        let result: Result<String, any Error>
        do {
            let value = try await withRetry(policy, budget: budget, deadline: deadline, sleep: { wait in waits.withLock { $0.append(wait) } }) { attempt in
                attempts.withLock { $0 += 1 }
                if attempt < failures { throw error }
                return "ok after \(attempt)"
            }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        return (attempts.withLock { $0 }, waits.withLock { $0 }, result)
    }

    @Test func retriesRetryableErrorsUpToTheLimit() async throws {
        let policy = RetryPolicy(maxAttempts: 4, backoff: Backoff(base: .milliseconds(100), cap: .seconds(1), immediateFirstAttempt: false))
        let recovered = await run(policy, failures: 2)
        #expect(try recovered.result.get() == "ok after 2" && recovered.attempts == 3 && recovered.waits.count == 2)
        #expect(recovered.waits[0] <= .milliseconds(100) && recovered.waits[1] <= .milliseconds(200), "full jitter under the ceilings")

        let exhausted = await run(policy, failures: 10)
        #expect(exhausted.attempts == 4 && exhausted.waits.count == 3)
        #expect(throws: Flaky.self) { try exhausted.result.get() }
    }

    @Test func neverRetriesWhatCannotHelp() async {
        let policy = RetryPolicy(maxAttempts: 5)
        let refused = await run(policy, failures: 3, error: Flaky(isRetryable: false))
        #expect(refused.attempts == 1 && refused.waits.isEmpty)
        #expect(!RetryPolicy.retryableByDefault(CircuitOpenError(name: "x", retryAfter: .seconds(1))))
        #expect(!RetryPolicy.retryableByDefault(CancellationError()))
        struct Unclassified: Error {}
        #expect(!RetryPolicy.retryableByDefault(Unclassified()), "only errors that say so are retried")
    }

    @Test func aBudgetBoundsRetriesAcrossCalls() async {
        let budget = RetryBudget(ratio: 0.5, minimum: 2, maximum: 3)
        let policy = RetryPolicy(maxAttempts: 10)
        let first = await run(policy, budget: budget, failures: 100)
        // 2 tokens + 0.5 from the call itself: two retries, then the budget is spent.
        #expect(first.attempts == 3)
        let second = await run(policy, budget: budget, failures: 100)
        #expect(second.attempts == 2, "0.5 left + 0.5 deposited: one retry")
        budget.reset()
        #expect(budget.available == 2)
    }

    @Test func theDeadlineStopsRetriesThatCouldNotFinish() async {
        var random = SeededGenerator(seed: 7)
        let policy = RetryPolicy(maxAttempts: 10, backoff: Backoff(base: .seconds(1), cap: .seconds(1), immediateFirstAttempt: false))
        #expect(policy.decision(after: 0, error: Flaky(), remaining: .milliseconds(1), using: &random) == nil)
        #expect(policy.decision(after: 0, error: Flaky(), remaining: nil, using: &random) != nil)
        #expect(policy.decision(after: 9, error: Flaky(), remaining: nil, using: &random) == nil, "no 11th attempt")
        let rushed = await run(policy, deadline: .now + .milliseconds(1), failures: 5)
        #expect(rushed.attempts == 1)
    }

    @Test(.timeLimit(.minutes(1))) func cancellationEndsTheWait() async {
        let policy = RetryPolicy(maxAttempts: 3)
        let attempts = Mutex(0)
        let task = Task {
            // A wait that only cancellation can end: without it the test would hit its time limit.
            try await withRetry(policy, sleep: { _ in try await Task.sleep(for: .seconds(3600)) }) { _ -> Int in
                attempts.withLock { $0 += 1 }
                throw Flaky()
            }
        }
        while attempts.withLock({ $0 }) == 0 { await Task.yield() }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(attempts.withLock { $0 } == 1, "no attempt after the cancelled wait")
    }
}
