import NATSWire

/// The messages of one subscription, as an async sequence that ends when the subscription or the
/// connection does, or when the server refuses it (`error` then says why). One task reads it at a time.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    /// How much a subscription holds for a reader that falls behind. Past either limit new
    /// messages are dropped, counted, and a `slowConsumer` event is raised once per episode (as
    /// nats.go's `SetPendingLimits`). A limit of 0 or less means no limit.
    public struct PendingLimits: Sendable, Hashable {
        public var messages: Int
        /// Payload bytes.
        public var bytes: Int

        public init(messages: Int, bytes: Int) {
            self.messages = messages
            self.bytes = bytes
        }

        public static let unlimited = PendingLimits(messages: 0, bytes: 0)
    }

    public let sid: UInt64
    public let subject: String
    public let queue: String?
    let buffer: SubscriptionBuffer
    let connection: NATSConnection

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: SubscriptionBuffer
        /// Counts this iterator as a reader from its first `next()` until it goes away (a loop left
        /// early, a task cancelled): a connection's drain waits for the subscription's readers.
        private var reader: SubscriptionBuffer.Reader?

        init(buffer: SubscriptionBuffer) { self.buffer = buffer }

        public mutating func next() async -> InboundMessage? {
            if reader == nil { reader = SubscriptionBuffer.Reader(of: buffer) }
            return await buffer.next(isolation: nil)
        }

        /// Reads on the caller's actor: a message that is already here costs no executor hop.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> InboundMessage? {
            if reader == nil { reader = SubscriptionBuffer.Reader(of: buffer) }
            return await buffer.next(isolation: actor)
        }
    }

    /// Stops the subscription now; messages still on their way are dropped.
    public func unsubscribe() { connection.unsubscribe(sid: sid, after: nil) }

    /// Stops the subscription without losing what the server already sent: UNSUB, then a PING
    /// round trip during which messages still arrive, then the sequence ends (after the reader
    /// has had every message). What a service does at shutdown.
    public func drain() async { await connection.drain(sid: sid) }

    /// Ends the subscription once it has delivered `count` messages in all (counted from the
    /// start, as the server and nats.go's `AutoUnsubscribe` count): at once if it already has.
    public func unsubscribe(after count: Int) { connection.unsubscribe(sid: sid, after: count) }

    /// The limits in force; changing them applies to the next message that arrives.
    public var pendingLimits: PendingLimits {
        get { buffer.limits }
        nonmutating set { buffer.limits = newValue }
    }

    /// Messages received and not yet read, and their payload bytes.
    public var pending: (messages: Int, bytes: Int) {
        let counts = buffer.counts
        return (counts.messages, counts.bytes)
    }

    /// Messages dropped because the reader fell behind the pending limits.
    public var droppedMessages: Int { buffer.counts.dropped }

    /// Why the sequence ended, when the server ended it (`.permissionViolation`); nil while it runs
    /// and after an unsubscribe or close.
    public var error: NATSClientError? { buffer.error }
}
