public import NATSWire
public import NIOCore
import Synchronization

/// A message a pull consumer delivered, with its metadata and the acknowledgements the server
/// expects on its reply subject (ADR-15): `+ACK`, `-NAK` (with a delay), `+TERM`, `+WPI`.
public struct JetStreamMessage: Sendable {
    public let message: InboundMessage
    public let metadata: JetStreamMetadata
    let connection: NATSConnection
    let replySubject: String
    /// Set by the first final answer (ack, nak, term), shared by the copies of this value.
    private let answered = Answered()

    private final class Answered: Sendable {
        let flag = Atomic(false)
    }

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
    /// - Throws: `JetStreamError` `.alreadyAcknowledged` after an ack, nak or term of this message.
    public func ack() throws { try answer("+ACK") }

    /// Acknowledges and waits until the server has recorded it (double ack): after this returns,
    /// a redelivery can only come from a failure of the server.
    public func ackConfirmed(timeout: Duration = .seconds(5)) async throws {
        try claim("+ACK")
        do {
            _ = try await connection.request(replySubject, payload: ByteBuffer(string: "+ACK"), timeout: timeout)
        } catch {
            answered.flag.store(false, ordering: .releasing)  // not confirmed: it may be tried again
            throw error
        }
    }

    /// Failed for now: deliver it again, after `delay` if given (else at once).
    public func nak(delay: Duration? = nil) throws {
        try answer(delay.map { "-NAK {\"delay\":\($0.nanosecondsForJetStream)}" } ?? "-NAK")
    }

    /// Never deliver it again (a message that cannot be processed). (No reason is sent: servers
    /// before 2.10 take `+TERM <reason>` for no answer at all.)
    public func term() throws { try answer("+TERM") }

    /// Still working on it: the ack wait starts again. Any number of times before the final answer.
    public func inProgress() throws {
        guard !answered.flag.load(ordering: .acquiring) else { throw alreadyAnswered("+WPI") }
        try send("+WPI")
    }

    /// The final answer, once.
    private func answer(_ body: String) throws {
        try claim(body)
        do {
            try send(body)
        } catch {
            answered.flag.store(false, ordering: .releasing)  // not sent: it may be tried again
            throw error
        }
    }

    private func claim(_ body: String) throws {
        guard answered.flag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw alreadyAnswered(body)
        }
    }

    private func alreadyAnswered(_ body: String) -> JetStreamError {
        JetStreamError(
            .alreadyAcknowledged,
            "\(body.prefix { $0 != " " }) of a message already acknowledged (stream sequence \(metadata.streamSequence))")
    }

    private func send(_ body: String) throws {
        try connection.publish(replySubject, payload: ByteBuffer(string: body))
    }
}
