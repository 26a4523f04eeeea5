public import NATSWire
public import NIOCore

/// The server's acknowledgement of a JetStream publish: the message is stored.
public struct PubAck: Sendable, Hashable, Decodable {
    public var stream: String
    public var sequence: UInt64
    /// The message id was seen within the stream's duplicate window: nothing new was stored.
    public var duplicate: Bool
    public var domain: String?

    enum CodingKeys: String, CodingKey {
        case stream, duplicate, domain
        case sequence = "seq"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        sequence = try container.decodeIfPresent(UInt64.self, forKey: .sequence) ?? 0
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
    }
}

/// What a publish expects of the stream; the server refuses the message when one does not hold.
public struct PublishExpectations: Sendable, Hashable {
    /// The stream that must store the subject (`Nats-Expected-Stream`).
    public var stream: String?
    /// The stream's last sequence (`Nats-Expected-Last-Sequence`): optimistic concurrency.
    public var lastSequence: UInt64?
    /// The last sequence of this subject in the stream (`Nats-Expected-Last-Subject-Sequence`).
    public var lastSubjectSequence: UInt64?
    /// The id of the stream's last message (`Nats-Expected-Last-Msg-Id`).
    public var lastMessageID: String?

    public init(stream: String? = nil, lastSequence: UInt64? = nil, lastSubjectSequence: UInt64? = nil, lastMessageID: String? = nil) {
        self.stream = stream
        self.lastSequence = lastSequence
        self.lastSubjectSequence = lastSubjectSequence
        self.lastMessageID = lastMessageID
    }

    func apply(to headers: inout NATSHeaders) {
        if let stream { headers["Nats-Expected-Stream"] = stream }
        if let lastSequence { headers["Nats-Expected-Last-Sequence"] = String(lastSequence) }
        if let lastSubjectSequence { headers["Nats-Expected-Last-Subject-Sequence"] = String(lastSubjectSequence) }
        if let lastMessageID { headers["Nats-Expected-Last-Msg-Id"] = lastMessageID }
    }
}

extension JetStream {
    /// Publishes `payload` on `subject` and waits until a stream has stored it.
    /// - Parameters:
    ///   - messageID: `Nats-Msg-Id`: a second publish with the same id within the stream's
    ///     duplicate window stores nothing and is acknowledged as `duplicate`.
    ///   - expect: conditions the stream checks before storing.
    /// - Throws: `JetStreamError` `.noStream` when no stream stores `subject` (nothing answered it,
    ///   `publishRetryAttempts` more times `publishRetryDelay` apart), `.api` when the
    ///   stream refuses the message (a failed expectation, limits); `NATSClientError` `.timeout`
    ///   when no acknowledgement comes (the message may or may not be stored: publish again with
    ///   the same `messageID`).
    public func publish(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil, messageID: String? = nil,
        expect: PublishExpectations = PublishExpectations(), timeout: Duration? = nil
    ) async throws -> PubAck {
        var headers = headers
        if messageID != nil || expect != PublishExpectations() {
            var extra = headers ?? NATSHeaders(status: nil)
            if let messageID { extra["Nats-Msg-Id"] = messageID }
            expect.apply(to: &extra)
            headers = extra
        }
        var retries = max(publishRetryAttempts, 0)
        while true {
            do {
                let reply = try await connection.request(subject, payload: payload, headers: headers, timeout: timeout ?? self.timeout)
                return try Self.decode(PubAck.self, from: reply.payload, operation: "publish to \(subject)")
            } catch let error as NATSClientError where error.code == .noResponders {
                guard retries > 0 else { throw JetStreamError(.noStream, "no stream stores subject \(subject)") }
                retries -= 1
                do { try await Task.sleep(for: publishRetryDelay) } catch { throw NATSClientError(.cancelled, "the publish was cancelled") }
            }
        }
    }
}
