import NIOCore
import Resilience

extension NATSConnection {
    /// Connected to a server and not closed: what a readiness probe asks. Safe from any thread.
    public var isReady: Bool { outbound.withLock { $0.connected && !$0.closed } }

    /// Without a server for at least `grace`, or closed: a request made now would most likely wait
    /// out its timeout in the reconnect buffer, so callers that answer others (the gateway, a
    /// service asking another) say "unavailable" at once instead. A shorter gap (a lame-duck
    /// move, a rolling restart) stays under it, and its requests go out after the reconnect.
    /// Safe from any thread.
    public func isAway(atLeast grace: Duration = .seconds(1)) -> Bool {
        let since = outbound.withLock { state -> UInt64? in state.closed ? 0 : state.disconnectedAt }
        guard let since else { return false }
        return NIODeadline.now().uptimeNanoseconds &- since >= UInt64(max(0, grace.nanosecondsSaturated))
    }
}
