/// Exponential backoff with full jitter (AWS's "full jitter"): attempt *n* waits a random time in
/// `0...min(cap, base × multiplier^n)`. Pure: the random source is injected, so tests are exact.
public struct Backoff: Sendable, Hashable {
    public var base: Duration
    public var multiplier: Double
    public var cap: Duration
    /// Whether the first attempt goes at once (NATS reconnects immediately, then backs off).
    public var immediateFirstAttempt: Bool

    public init(base: Duration = .milliseconds(100), multiplier: Double = 2, cap: Duration = .seconds(5), immediateFirstAttempt: Bool = true) {
        precondition(multiplier >= 1, "a backoff multiplier below 1 would shrink")
        self.base = base
        self.multiplier = multiplier
        self.cap = cap
        self.immediateFirstAttempt = immediateFirstAttempt
    }

    /// The longest wait before attempt `attempt` (0-based).
    public func ceiling(forAttempt attempt: Int) -> Duration {
        if immediateFirstAttempt, attempt == 0 { return .zero }
        let exponent = immediateFirstAttempt ? attempt - 1 : attempt
        let baseSeconds = Self.seconds(base), capSeconds = Self.seconds(cap)
        var seconds = baseSeconds
        for _ in 0..<min(exponent, 64) where seconds < capSeconds { seconds *= multiplier }
        return Self.duration(min(seconds, capSeconds))
    }

    /// The wait before attempt `attempt`: uniformly random up to the ceiling.
    public func delay(forAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.seconds(ceiling(forAttempt: attempt))
        guard ceiling > 0 else { return .zero }
        return Self.duration(Double.random(in: 0...ceiling, using: &random))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
