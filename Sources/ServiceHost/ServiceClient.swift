import Foundation
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore

/// Typed requests from one service to another over NATS, as the gateway makes them: the request
/// in an envelope, the reply's envelope validated against its schema, error replies thrown back
/// as `ErrorReply` so that a handler can rethrow them or map them to its own errors.
///
/// Made from inside a handler, a request keeps the conversation: the handler's correlation id,
/// its message as the causation, its caller, its `traceparent`, and no more time than the
/// handler has left.
///
/// ```swift
/// let event = try await host.client.request(Events.Subjects.get, .init(eventId: id), context: context)
/// ```
public struct ServiceClient: Sendable {
    public let nats: NATSConnection

    public init(nats: NATSConnection) {
        self.nats = nats
    }

    /// Sends `request` on its subject and waits for the typed reply.
    ///
    /// - Parameters:
    ///   - context: the handler's context, when called from a handler: correlation, causation,
    ///     caller and trace are carried over, and the timeout is cut to the handler's deadline.
    ///   - timeout: at most this long; default: the subject's timeout.
    /// - Throws: `ErrorReply`: the service's own error reply (its code and status unchanged);
    ///   503 `unavailable` when nobody serves the subject or the bus is down; 504 `timeout` when
    ///   no reply came in time; 502 `bad_gateway` for a reply that breaks its schema.
    public func request<Request, Reply>(
        _ subject: RequestSubject<Request, Reply>, _ request: Request, context: HandlerContext? = nil, timeout: Duration? = nil
    ) async throws -> Reply {
        var timeout = timeout.map { min($0, subject.timeout) } ?? subject.timeout
        if let deadline = context?.deadline {
            timeout = min(timeout, deadline - .now)
        }
        guard timeout > .zero else {
            throw ErrorReply(code: ErrorReply.timeout, status: 504, message: "no time is left to ask \(subject.name)")
        }
        // NATS away for a while: the request would wait out its timeout in the reconnect buffer.
        guard !nats.isAway() else { throw Self.busUnavailable }
        let envelope = Envelope(
            request, correlationId: context?.correlationId, causationId: context?.messageId, caller: context?.caller)
        var headers = NATSHeaders(status: nil)
        if let traceparent = context?.headers["traceparent"] { headers.add("traceparent", traceparent) }
        let reply: InboundMessage
        do {
            reply = try await nats.request(
                subject.subject(request), payload: envelope.jsonBytes(),
                headers: headers.isEmpty ? nil : headers, timeout: timeout)
        } catch let error as NATSClientError {
            throw Self.errorReply(for: error, subject: subject.name)
        }
        return try Self.decode(reply, of: subject)
    }

    /// The reply's payload, or the error reply it carries.
    static func decode<Request, Reply>(_ reply: InboundMessage, of subject: RequestSubject<Request, Reply>) throws -> Reply {
        guard let json = try? JSONValue(parsing: reply.payload.readableBytesView) else {
            throw ErrorReply(code: "bad_gateway", status: 502, message: "\(subject.name) sent a reply that is not JSON")
        }
        if let error = ErrorReply(json: json) { throw error }
        switch Envelope<Reply>.validate(json) {
        case .success(let envelope):
            return envelope.payload
        case .failure(let error):
            throw ErrorReply(
                code: "bad_gateway", status: 502,
                message: "\(subject.name) sent a reply that breaks its schema (\(error.issues.count) issues)")
        }
    }

    static func errorReply(for error: NATSClientError, subject: String) -> ErrorReply {
        switch error.code {
        case .noResponders: ErrorReply(code: ErrorReply.unavailable, status: 503, message: "no service answers \(subject) now")
        case .timeout: ErrorReply(code: ErrorReply.timeout, status: 504, message: "\(subject) did not answer in time")
        default: busUnavailable
        }
    }

    static var busUnavailable: ErrorReply {
        ErrorReply(code: ErrorReply.unavailable, status: 503, message: "the message bus is unavailable")
    }
}

extension ServiceHost {
    /// A client for requests to other services, on the host's connection.
    public var client: ServiceClient { ServiceClient(nats: nats) }
}
