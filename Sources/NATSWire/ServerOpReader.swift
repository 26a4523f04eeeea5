public import NIOCore

/// Operations from a byte stream, read by read: bytes that do not make a whole operation yet wait
/// for the next read. What the connection's channel handler decodes with (in place of NIO's
/// `ByteToMessageHandler`, whose generic pipeline step boxed every decoded message in an `NIOAny`,
/// a heap allocation per message).
public struct ServerOpReader {
    public var decoder: NATSDecoder
    /// Read, not yet decoded. Shares storage with the payloads of messages decoded from it.
    private var unread = ByteBuffer()

    public init(decoder: NATSDecoder = NATSDecoder()) { self.decoder = decoder }

    /// Bytes not yet part of a decoded operation.
    public var unreadBytes: Int { unread.readableBytes }

    /// Adds a read's bytes behind those still waiting.
    public mutating func append(_ read: ByteBuffer) {
        guard unread.readableBytes > 0 else {
            unread = read
            return
        }
        // Compacted once more was consumed than waits: the move stays smaller than what was
        // decoded since, so a large message arriving in many reads is not moved again and again.
        if unread.readerIndex > unread.readableBytes { unread.discardReadBytes() }
        var read = read
        unread.writeBuffer(&read)
    }

    /// The next whole operation, or nil until more bytes are appended.
    /// - Throws: `NATSProtocolError` for bytes that break the protocol; the stream is unusable then.
    public mutating func next() throws -> ServerOp? {
        guard unread.readableBytes > 0 else { return nil }
        return try decoder.decode(buffer: &unread)
    }
}
