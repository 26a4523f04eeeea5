import Foundation

/// Who made a request: the subject and role of the gateway's verified token, carried in the
/// envelope to the service.
public struct Caller: Sendable, Hashable, Codable {
    public var id: String
    public var role: String?

    public init(id: String, role: String? = nil) {
        self.id = id
        self.role = role
    }
}

/// What a handler knows about the message in hand, besides the typed payload.
public struct HandlerContext: Sendable {
    /// The concrete NATS subject the message came on (`events.42.update`).
    public var subject: String
    public var messageId: String
    public var correlationId: String
    public var causationId: String?
    /// When the caller stops waiting: the subject's timeout from the moment the message arrived.
    public var deadline: ContinuousClock.Instant
    /// The caller, when the request came through the gateway with a token.
    public var caller: Caller?
    /// The fencing token of the lease the host holds for the subject's `lock`: pass it to the store,
    /// which refuses writes with a lower one (a holder whose lease expired).
    public var fencingToken: Int64?
    /// Message headers such as W3C `traceparent`.
    public var headers: [String: String]

    public init(
        subject: String, messageId: String, correlationId: String, causationId: String? = nil,
        deadline: ContinuousClock.Instant, caller: Caller? = nil, fencingToken: Int64? = nil, headers: [String: String] = [:]
    ) {
        self.subject = subject
        self.messageId = messageId
        self.correlationId = correlationId
        self.causationId = causationId
        self.deadline = deadline
        self.caller = caller
        self.fencingToken = fencingToken
        self.headers = headers
    }

    /// The context of a test call: a new message id, a deadline `timeout` from now.
    public static func test(subject: String = "test", caller: Caller? = nil, timeout: Duration = .seconds(5)) -> HandlerContext {
        let id = RandomID.uuid()
        return HandlerContext(subject: subject, messageId: id, correlationId: id, deadline: .now + timeout, caller: caller)
    }
}

/// Where generated code registers a namespace's handlers; the service host implements it.
public protocol ServiceRegistrar {
    func handle<Request, Reply>(
        _ subject: RequestSubject<Request, Reply>, with handler: @escaping @Sendable (Request, HandlerContext) async throws -> Reply
    )

    /// Declares an event subject with a `stream:` that the namespace publishes: a host that
    /// talks to JetStream makes the stream before serving.
    func publishes<Event>(_ subject: EventSubject<Event>)
}

extension ServiceRegistrar {
    /// Nothing to make for a registrar without a broker.
    public func publishes<Event>(_ subject: EventSubject<Event>) {}
}

/// Where generated code registers the gateway routes of a namespace; the gateway implements it.
public protocol RouteRegistrar {
    func route<Request, Reply>(_ subject: RequestSubject<Request, Reply>)
}

/// Runs work at most once per key: a duplicate gets the stored result. The service host keys it
/// by message id (duplicate deliveries), the gateway by `Idempotency-Key`; the Redis store
/// implements it.
public protocol IdempotencyGuard: Sendable {
    /// Runs `work` the first time `messageId` is seen and keeps what it returned for `ttl`; later
    /// calls get the kept bytes without running it. Work that throws keeps nothing.
    func once(messageId: String, ttl: Duration, _ work: @Sendable () async throws -> [UInt8]) async throws -> [UInt8]
}
