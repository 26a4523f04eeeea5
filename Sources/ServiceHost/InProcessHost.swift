import Foundation
import Logging
import MessagingRuntime
import NATSWire
import NIOCore
import Synchronization

/// Serves handlers without a broker, for tests: `call` runs a request through the same steps a
/// `ServiceHost` applies to a NATS message — envelope, request validation, idempotency, lock,
/// breaker, the handler, reply validation, error mapping — and returns the typed reply or throws
/// the `ErrorReply` a client would get.
///
/// ```swift
/// let host = InProcessHost()
/// Auth.serve(AuthService(), with: host)
/// let profile = try await host.call(Auth.Subjects.register, .init(email: "a@b.co", password: "long enough"))
/// await #expect(throws: ErrorReply(Auth.ErrorCode.emailTaken)) { try await host.call(Auth.Subjects.register, same) }
/// ```
public final class InProcessHost: ServiceRegistrar, Sendable {
    private let options: ServiceHostOptions
    private let logger: Logger
    private let endpoints = Mutex<[String: Endpoint]>([:])

    public init(options: ServiceHostOptions = ServiceHostOptions(), logger: Logger = Logger(label: "switchboard.in-process")) {
        self.options = options
        self.logger = logger
    }

    public func handle<Request, Reply>(
        _ subject: RequestSubject<Request, Reply>, with handler: @escaping @Sendable (Request, HandlerContext) async throws -> Reply
    ) {
        let pipeline = RequestPipeline(subject: subject, handler: handler, options: options, logger: logger)
        let endpoint = Endpoint(name: subject.name, subscription: subject.subscription, queue: subject.queue) { await pipeline.run($0) }
        endpoints.withLock { $0[subject.name] = endpoint }
    }

    /// Sends `request` as `caller` (nil: anonymous) and returns the reply.
    /// - Throws: the `ErrorReply` the service answers with; `ErrorReply` 503 when no handler was
    ///   registered for `subject`.
    public func call<Request, Reply>(
        _ subject: RequestSubject<Request, Reply>, _ request: Request, caller: Caller? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        guard let endpoint = endpoints.withLock({ $0[subject.name] }) else {
            throw ErrorReply(code: ErrorReply.unavailable, status: 503, message: "no handler for \(subject.name)")
        }
        let envelope = Envelope(request, caller: caller)
        var natsHeaders = NATSHeaders(status: nil)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { natsHeaders.add(name, value) }
        let message = InboundMessage(
            subject: subject.subject(request), sid: 0, replyTo: "_INBOX.in-process", headers: headers.isEmpty ? nil : natsHeaders,
            payload: ByteBuffer(bytes: envelope.jsonBytes()))
        let outcome = await endpoint.process(message)
        if let error = outcome.error { throw error }
        return try Envelope<Reply>(validatingJSON: outcome.payload).payload
    }
}
