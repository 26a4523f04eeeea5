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

    /// Ends the subscription once it has delivered `count` messages in all (counted from the
    /// start, as the server and nats.go's `AutoUnsubscribe` count): at once if it already has.
    public func unsubscribe(after count: Int) { connection.unsubscribe(sid: sid, after: count) }
}
