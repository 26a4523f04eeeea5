/// How a call to a dependency went, as the breaker counts it.
public struct CallOutcome: Sendable, Hashable {
    public var failed: Bool
    public var slow: Bool

    public init(failed: Bool, slow: Bool) {
        self.failed = failed
        self.slow = slow
    }
}

/// Totals over a window of outcomes.
public struct OutcomeTotals: Sendable, Hashable {
    public var calls = 0
    public var failures = 0
    public var slowCalls = 0

    public var failureRate: Double { calls == 0 ? 0 : Double(failures) / Double(calls) }
    public var slowCallRate: Double { calls == 0 ? 0 : Double(slowCalls) / Double(calls) }

    mutating func add(_ outcome: CallOutcome, _ sign: Int = 1) {
        calls += sign
        if outcome.failed { failures += sign }
        if outcome.slow { slowCalls += sign }
    }
}

/// The last N outcomes: a ring buffer with running totals, O(1) per call.
struct CountWindow: Sendable {
    private var ring: [CallOutcome?]
    private var next = 0
    private(set) var totals = OutcomeTotals()

    init(size: Int) {
        precondition(size > 0, "a window holds at least one call")
        ring = Array(repeating: nil, count: size)
    }

    mutating func record(_ outcome: CallOutcome) {
        if let old = ring[next] { totals.add(old, -1) }
        ring[next] = outcome
        totals.add(outcome)
        next = (next + 1) % ring.count
    }
}

/// The outcomes of the last `seconds` seconds, in one bucket per second (as resilience4j's
/// time-based window): O(1) per call, O(seconds) at worst when time jumps.
struct TimeWindow: Sendable {
    private var buckets: [(second: Int64, totals: OutcomeTotals)]
    private(set) var totals = OutcomeTotals()

    init(seconds: Int) {
        precondition(seconds > 0, "a window spans at least one second")
        buckets = Array(repeating: (Int64.min, OutcomeTotals()), count: seconds)
    }

    /// Forgets the buckets older than the window at `second`.
    mutating func advance(to second: Int64) {
        for index in buckets.indices where buckets[index].second != Int64.min && buckets[index].second <= second - Int64(buckets.count) {
            subtract(buckets[index].totals)
            buckets[index] = (Int64.min, OutcomeTotals())
        }
    }

    mutating func record(_ outcome: CallOutcome, at second: Int64) {
        advance(to: second)
        let index = Int(((second % Int64(buckets.count)) + Int64(buckets.count)) % Int64(buckets.count))
        if buckets[index].second != second {
            subtract(buckets[index].totals)
            buckets[index] = (second, OutcomeTotals())
        }
        buckets[index].totals.add(outcome)
        totals.add(outcome)
    }

    private mutating func subtract(_ old: OutcomeTotals) {
        totals.calls -= old.calls
        totals.failures -= old.failures
        totals.slowCalls -= old.slowCalls
    }
}
