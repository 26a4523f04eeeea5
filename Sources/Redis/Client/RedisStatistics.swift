import Synchronization

/// Counters of a connection (or, summed, of a client): for stats, metrics and tests.
public struct RedisStatistics: Sendable, Hashable {
    /// Commands written to a socket.
    public var commandsSent = 0
    /// Connection attempts, and those that failed (refused, timed out, AUTH refused).
    public var dials = 0
    public var failedDials = 0

    static func + (lhs: Self, rhs: Self) -> Self {
        RedisStatistics(commandsSent: lhs.commandsSent + rhs.commandsSent, dials: lhs.dials + rhs.dials, failedDials: lhs.failedDials + rhs.failedDials)
    }
}

/// The live counters behind `RedisStatistics`, readable from any thread.
final class RedisCounters: Sendable {
    let commandsSent = Atomic<Int>(0)
    let dials = Atomic<Int>(0)
    let failedDials = Atomic<Int>(0)

    var snapshot: RedisStatistics {
        RedisStatistics(
            commandsSent: commandsSent.load(ordering: .relaxed), dials: dials.load(ordering: .relaxed),
            failedDials: failedDials.load(ordering: .relaxed))
    }
}
