extension NATSConnection {
    /// Connected to a server and not closed: what a readiness probe asks. Safe from any thread.
    public var isReady: Bool { outbound.withLock { $0.connected && !$0.closed } }
}
