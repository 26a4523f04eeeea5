import Synchronization

/// An error that says whether trying again may help (a timeout may; a refused payload will not).
public protocol RetryClassifying: Error {
    var isRetryable: Bool { get }
}

/// When and how often to try a failed call again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait before attempt n+1 (full jitter); the first retry waits too.
    public var backoff: Backoff
    /// Only errors this accepts are retried. By default: errors that say they are retryable
    /// (`RetryClassifying`); cancellation and a breaker's `CircuitOpenError` never.
    public var isRetryable: @Sendable (any Error) -> Bool

    public init(
        maxAttempts: Int = 3, backoff: Backoff = Backoff(base: .milliseconds(50), cap: .seconds(2), immediateFirstAttempt: false),
        isRetryable: @escaping @Sendable (any Error) -> Bool = RetryPolicy.retryableByDefault
    ) {
        precondition(maxAttempts >= 1, "a call is attempted at least once")
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.isRetryable = isRetryable
    }

    public static let retryableByDefault: @Sendable (any Error) -> Bool = { error in
        if error is CancellationError || error is CircuitOpenError { return false }
        return (error as? any RetryClassifying)?.isRetryable ?? false
    }

    /// What to do after attempt `attempt` (0-based) failed with `error`: the wait before the
    /// next one, or nil to give up. Pure: `remaining` is the time left before the caller's
    /// deadline (nil: none), and the randomness is injected.
    public func decision(
        after attempt: Int, error: any Error, remaining: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration? {
        guard attempt + 1 < maxAttempts, isRetryable(error) else { return nil }
        let delay = backoff.delay(forAttempt: attempt, using: &random)
        if let remaining, delay >= remaining { return nil }
        return delay
    }
}

/// A retry budget (a token bucket, as gRPC and Finagle keep): every call deposits `ratio`
/// tokens, every retry spends one, so retries stay a bounded share of the traffic and an outage
/// is not multiplied by the retries of every caller. The bucket starts with `minimum` tokens, so
/// that a service can retry before it has seen traffic, and holds at most `maximum`.
public final class RetryBudget: Sendable {
    private let ratio: Double
    private let minimum: Double
    private let maximum: Double
    private let tokens: Mutex<Double>

    public init(ratio: Double = 0.2, minimum: Double = 10, maximum: Double = 100) {
        self.ratio = ratio
        self.minimum = minimum
        self.maximum = max(maximum, minimum)
        self.tokens = Mutex(minimum)
    }

    func deposit() { tokens.withLock { $0 = min($0 + ratio, maximum) } }

    /// Takes one retry's token; false when the budget is spent.
    func withdraw() -> Bool {
        tokens.withLock { tokens in
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }

    public var available: Double { tokens.withLock { max($0, 0) } }

    /// Back to the minimum (tests, or after a configuration change).
    public func reset() { tokens.withLock { $0 = minimum } }
}

/// Runs `operation`, trying again as `policy` says until it succeeds, the attempts or the budget
/// are spent, the deadline would pass, or the task is cancelled (the wait ends at once then).
/// The last error is thrown as it was. `sleep` waits between attempts (tests record instead).
public func withRetry<T>(
    _ policy: RetryPolicy, budget: RetryBudget? = nil, deadline: ContinuousClock.Instant? = nil,
    sleep: (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
    _ operation: (_ attempt: Int) async throws -> T
) async throws -> T {
    var random = SystemRandomNumberGenerator()
    budget?.deposit()
    var attempt = 0
    while true {
        do {
            return try await operation(attempt)
        } catch {
            let remaining = deadline.map { ContinuousClock.now.duration(to: $0) }
            guard let delay = policy.decision(after: attempt, error: error, remaining: remaining, using: &random),
                budget?.withdraw() ?? true
            else { throw error }
            try await sleep(delay)
            attempt += 1
        }
    }
}
