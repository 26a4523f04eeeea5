public import NIOCore

/// Operations from a byte stream, read by read: bytes that do not make a whole operation yet wait
/// for the next read. What the connection's channel handler decodes with (in place of NIO's
/// `ByteToMessageHandler`, whose generic pipeline step boxed every decoded message in an `NIOAny`,
/// a heap allocation per message).
public struct ServerOpReader {
    public var decoder: NATSDecoder
    /// Read, not yet decoded. Shares storage with the payloads of messages decoded from it, and
    /// perhaps with the channel's receive buffers.
    private var unread = ByteBuffer()
    /// `unread` is storage this reader made, and nothing was decoded from it since: nobody else
    /// holds it, so appending writes in place.
    private var ownsUnread = false
    /// Bytes that break the protocol were read: nothing after them means anything.
    public private(set) var failed = false

    public init(decoder: NATSDecoder = NATSDecoder()) { self.decoder = decoder }

    /// Bytes not yet part of a decoded operation.
    public var unreadBytes: Int { unread.readableBytes }

    /// Adds a read's bytes behind those still waiting.
    public mutating func append(_ read: ByteBuffer) {
        guard !failed else { return }
        guard unread.readableBytes > 0 else {
            unread = read
            ownsUnread = false
            return
        }
        var read = read
        if ownsUnread {
            // A large operation arriving in many reads: in place, the storage doubling as it grows.
            unread.writeBuffer(&read)
            return
        }
        // The start of an operation, at the end of storage others may hold (the payloads decoded
        // before it, the receive buffer): copy just the waiting bytes and the read into storage
        // of our own. (Writing into shared storage would copy all of it, consumed bytes and free
        // space included, and keep the payloads' storage alive twice.)
        var own = ByteBufferAllocator().buffer(capacity: unread.readableBytes + read.readableBytes)
        own.writeBuffer(&unread)
        own.writeBuffer(&read)
        unread = own
        ownsUnread = true
    }

    /// The next whole operation, or nil until more bytes are appended.
    /// - Throws: `NATSProtocolError` for bytes that break the protocol, once: from then on the
    ///   reader is `failed`, ignores what is appended and gives no more operations.
    public mutating func next() throws -> ServerOp? {
        guard !failed, unread.readableBytes > 0 else { return nil }
        let decoded: ServerOp?
        do { decoded = try decoder.decode(buffer: &unread) } catch {
            fail()
            throw error
        }
        guard let op = decoded else { return nil }
        ownsUnread = false  // a payload may share the storage now
        return op
    }

    /// The stream broke a rule the decoder cannot see: what waits and what comes is ignored.
    public mutating func fail() {
        failed = true
        unread = ByteBuffer()
    }
}
