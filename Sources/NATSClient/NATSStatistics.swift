/// What a connection has moved so far.
public struct NATSStatistics: Sendable, Hashable {
    public var inMessages: Int
    public var inBytes: Int
    public var outMessages: Int
    public var outBytes: Int
    public var reconnects: Int
    /// Messages dropped because a subscriber fell behind its pending limit.
    public var droppedMessages: Int
    /// Bytes queued for the socket right now.
    public var pendingOutBytes: Int = 0
}
