public import NIOCore

/// An operation the server sends.
public enum ServerOp: Sendable, Hashable {
    case info(ServerInfo)
    case msg(InboundMessage)
    /// An `HMSG` whose framing is sound but whose header block cannot be read: the message
    /// without its headers, and why. (nats.go delivers such a message the same way and reports
    /// `ErrBadHeaderMsg`; the stream itself is intact.)
    case malformedHeaders(InboundMessage, reason: String)
    case ping
    case pong
    case ok
    /// `-ERR 'text'`, with the quotes removed.
    case err(String)
}

/// A message delivered to a subscription (`MSG` or `HMSG`).
public struct InboundMessage: Sendable, Hashable {
    public var subject: String
    public var sid: UInt64
    public var replyTo: String?
    /// Nil for `MSG`; the parsed block for `HMSG`.
    public var headers: NATSHeaders?
    public var payload: ByteBuffer

    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }
}
