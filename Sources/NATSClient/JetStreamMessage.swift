public import NATSWire
public import NIOCore

/// A message a pull consumer delivered, with its metadata and the acknowledgements the server
/// expects on its reply subject (ADR-15): `+ACK`, `-NAK` (with a delay), `+TERM`, `+WPI`.
public struct JetStreamMessage: Sendable {
    public let message: InboundMessage
    public let metadata: JetStreamMetadata
    let connection: NATSConnection
    let replySubject: String

    /// - Throws: `JetStreamError` `.notJetStreamMessage` when the message has no `$JS.ACK` reply subject.
    init(_ message: InboundMessage, connection: NATSConnection) throws {
        guard let reply = message.replyTo, let metadata = JetStreamMetadata(replySubject: reply) else {
            throw JetStreamError(.notJetStreamMessage, "message on \(message.subject) has no JetStream reply subject (\(message.replyTo ?? "none"))")
        }
        self.message = message
        self.metadata = metadata
        self.connection = connection
        self.replySubject = reply
    }

    public var subject: String { message.subject }
    public var payload: ByteBuffer { message.payload }
    public var headers: NATSHeaders? { message.headers }

    /// Done with it: the server will not deliver it again.
    public func ack() throws { try send("+ACK") }

    /// Acknowledges and waits until the server has recorded it (double ack): after this returns,
    /// a redelivery can only come from a failure of the server.
    public func ackConfirmed(timeout: Duration = .seconds(5)) async throws {
        _ = try await connection.request(replySubject, payload: ByteBuffer(string: "+ACK"), timeout: timeout)
    }

    /// Failed for now: deliver it again, after `delay` if given (else at once).
    public func nak(delay: Duration? = nil) throws {
        guard let delay else { return try send("-NAK") }
        try send("-NAK {\"delay\":\(delay.nanosecondsForJetStream)}")
    }

    /// Never deliver it again (a message that cannot be processed).
    public func term() throws { try send("+TERM") }

    /// Still working on it: the ack wait starts again.
    public func inProgress() throws { try send("+WPI") }

    private func send(_ body: String) throws {
        try connection.publish(replySubject, payload: ByteBuffer(string: body))
    }
}
