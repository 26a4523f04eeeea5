import NATSWire

/// The messages of one subscription, as an async sequence that ends when the subscription or the
/// connection does.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    public let sid: UInt64
    public let subject: String
    let messages: AsyncStream<InboundMessage>
    let connection: NATSConnection

    public func makeAsyncIterator() -> AsyncStream<InboundMessage>.Iterator { messages.makeAsyncIterator() }

    /// Stops the subscription now.
    public func unsubscribe() { connection.unsubscribe(sid: sid, after: nil) }

    /// Lets the server end the subscription after `count` more messages.
    public func unsubscribe(after count: Int) { connection.unsubscribe(sid: sid, after: count) }
}
