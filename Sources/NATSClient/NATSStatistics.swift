/// What a connection has moved so far.
public struct NATSStatistics: Sendable, Hashable {
    public var inMessages: Int
    /// Payload bytes received (header blocks are not counted, unlike nats.go's `InBytes`).
    public var inBytes: Int
    /// Messages handed to the connection to send, those a `close()` discarded unsent included.
    public var outMessages: Int
    /// Payload bytes of `outMessages` (header blocks not counted).
    public var outBytes: Int
    public var reconnects: Int
    /// Messages dropped because a subscriber fell behind its pending limits (all subscriptions,
    /// ended ones included).
    public var droppedMessages: Int
    /// Bytes queued for the socket right now.
    public var pendingOutBytes: Int = 0
    /// The live subscriptions, by sid (the request inbox is not one of them).
    public var subscriptions: [Subscription] = []

    /// What one subscription has received and holds for its reader.
    public struct Subscription: Sendable, Hashable {
        public var sid: UInt64
        public var subject: String
        public var queue: String?
        /// Messages the server delivered, dropped ones included (as `unsubscribe(after:)` counts).
        public var deliveredMessages: Int
        /// Received and not yet read.
        public var pendingMessages: Int
        public var pendingBytes: Int
        public var droppedMessages: Int
        public var pendingLimits: NATSSubscription.PendingLimits
    }
}
