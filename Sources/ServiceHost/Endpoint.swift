import Foundation
import Logging
import MessagingRuntime
import Metrics
import NATSWire
import Redis
import Resilience
import Synchronization

/// What a service sends back for one request: an envelope, or an error reply with the NATS
/// micro error headers.
struct Outcome: Sendable {
    var payload: [UInt8]
    var error: ErrorReply?

    /// The message itself is bad (an invalid event): delivering it again cannot help.
    var isInvalidInput: Bool { error.map { (400..<500).contains($0.status) } ?? false }

    var headers: NATSHeaders? {
        guard let error else { return nil }
        var headers = NATSHeaders(status: nil)
        headers.add("Nats-Service-Error", error.message)
        headers.add("Nats-Service-Error-Code", String(error.status))
        return headers
    }
}

/// Counters of one endpoint, as `$SRV.STATS` reports them.
public struct EndpointStatistics: Sendable, Hashable {
    public var name: String
    public var subject: String
    public var queueGroup: String
    public var requests = 0
    public var errors = 0
    public var lastError = ""
    /// Total time in the handler pipeline.
    public var processingTime: Duration = .zero
    public var averageProcessingTime: Duration { requests == 0 ? .zero : processingTime / requests }
}

/// Where the events of a `stream:` subject come from: a durable pull consumer of the stream,
/// shared by the replicas of a service.
struct StreamBinding: Sendable, Hashable {
    var stream: String
    var durable: String
    /// The consumer's filter: the event subject, `{field}` tokens as `*`.
    var filter: String
}

/// One subject a service answers: how a message becomes an outcome, and its counters.
final class Endpoint: Sendable {
    let name: String
    let subscription: String
    /// The queue group; the durable consumer's name for a stream endpoint.
    let queue: String
    /// Set for events of a `stream:` subject: pulled from JetStream instead of subscribed to.
    let stream: StreamBinding?
    let process: @Sendable (InboundMessage) async -> Outcome
    private let counters: Mutex<EndpointStatistics>
    private let metrics: EndpointMetrics?

    init(
        name: String, subscription: String, queue: String, stream: StreamBinding? = nil, metrics: EndpointMetrics? = nil,
        process: @escaping @Sendable (InboundMessage) async -> Outcome
    ) {
        self.name = name
        self.subscription = subscription
        self.queue = queue
        self.stream = stream
        self.metrics = metrics
        self.process = process
        self.counters = Mutex(EndpointStatistics(name: name, subject: subscription, queueGroup: queue))
    }

    var statistics: EndpointStatistics { counters.withLock { $0 } }

    /// Counts a handled message in the statistics and the metrics.
    func count(_ outcome: Outcome, took duration: Duration) {
        counters.withLock { stats in
            stats.requests += 1
            stats.processingTime += duration
            if let error = outcome.error {
                stats.errors += 1
                stats.lastError = "\(error.status): \(error.message)"
            }
        }
        metrics?.record(status: outcome.error?.status, took: duration)
    }

    func reset() {
        counters.withLock { $0 = EndpointStatistics(name: name, subject: subscription, queueGroup: queue) }
    }
}

/// An endpoint's metrics (`switchboard_messages_total{service,endpoint,status}`,
/// `switchboard_handler_duration_seconds{service,endpoint}`), each series made once and kept.
final class EndpointMetrics: Sendable {
    private let factory: any MetricsFactory
    private let dimensions: [(String, String)]
    private let timer: Metrics.Timer
    private let counters = Mutex<[Int: Counter]>([:])

    init(factory: any MetricsFactory, service: String, endpoint: String) {
        self.factory = factory
        self.dimensions = [("service", service), ("endpoint", endpoint)]
        self.timer = Metrics.Timer(label: "switchboard_handler_duration_seconds", dimensions: dimensions, factory: factory)
    }

    /// - Parameter status: the error reply's status; nil for a message handled well (`ok`).
    func record(status: Int?, took duration: Duration) {
        let counter = counters.withLock { counters in
            let key = status ?? 0
            if let known = counters[key] { return known }
            let made = Counter(
                label: "switchboard_messages_total", dimensions: dimensions + [("status", status.map(String.init) ?? "ok")], factory: factory)
            counters[key] = made
            return made
        }
        counter.increment()
        timer.record(duration: duration)
    }
}

/// The steps every request goes through, typed: decode and validate the envelope, idempotency,
/// lock, breaker, the handler, validate and encode the reply. Any failure becomes an error
/// reply; nothing a client sends can crash the service.
final class RequestPipeline<Request: Message, Reply: Message>: Sendable {
    let subject: RequestSubject<Request, Reply>
    let handler: @Sendable (Request, HandlerContext) async throws -> Reply
    let options: ServiceHostOptions
    let logger: Logger

    init(
        subject: RequestSubject<Request, Reply>, handler: @escaping @Sendable (Request, HandlerContext) async throws -> Reply,
        options: ServiceHostOptions, logger: Logger
    ) {
        self.subject = subject
        self.handler = handler
        self.options = options
        self.logger = logger
    }

    func run(_ message: InboundMessage) async -> Outcome {
        let arrived = ContinuousClock.now
        let envelope: Envelope<Request>
        switch Envelope<Request>.validate(json: message.payload.readableBytesView) {
        case .success(let value): envelope = value
        case .failure(let error): return failure(ErrorReply(error), correlationId: nil)
        }
        var headers: [String: String] = [:]
        for field in message.headers?.fields ?? [] { headers[field.name] = field.value }
        let context = HandlerContext(
            subject: message.subject, messageId: envelope.messageId, correlationId: envelope.correlationId,
            causationId: envelope.causationId, deadline: arrived + subject.timeout, caller: envelope.caller, headers: headers)
        let work: @Sendable () async throws -> [UInt8] = { try await self.answer(envelope, context) }
        do {
            if subject.idempotent, let idempotency = options.idempotency {
                return Outcome(payload: try await idempotency.once(messageId: envelope.messageId, ttl: options.idempotencyTTL, work))
            }
            return Outcome(payload: try await work())
        } catch {
            return failure(reply(for: error, context), correlationId: envelope.correlationId)
        }
    }

    /// The handler's reply as envelope bytes, under the subject's lock and the breaker.
    private func answer(_ envelope: Envelope<Request>, _ context: HandlerContext) async throws -> [UInt8] {
        var context = context
        let call: @Sendable (HandlerContext) async throws -> Reply = { context in
            guard let breaker = self.options.breaker else { return try await self.handler(envelope.payload, context) }
            let ticket = try breaker.acquire()
            do {
                let reply = try await self.handler(envelope.payload, context)
                breaker.record(ticket, failed: false)
                return reply
            } catch {
                breaker.record(ticket, failed: self.reply(for: error, context).status >= 500 ? true : nil)
                throw error
            }
        }
        let reply: Reply
        if let lockKey = subject.lockKey, let locks = options.locks {
            let frozen = context
            reply = try await locks.withLock(key: lockKey(envelope.payload), ttl: options.lockTTL, deadline: context.deadline) { token in
                var locked = frozen
                locked.fencingToken = token
                return try await call(locked)
            }
        } else {
            context.fencingToken = nil
            reply = try await call(context)
        }
        if options.validateReplies {
            // The typed reply's rules, checked without writing and parsing it; the envelope is ours.
            var issues: [ValidationIssue] = []
            reply.check(at: JSONPath.root + "payload", &issues)
            if !issues.isEmpty {
                logger.error("reply breaks its schema", metadata: ["subject": "\(subject.name)", "issues": "\(ValidationError(issues: issues))"])
                throw ErrorReply(code: ErrorReply.internalError, status: 500, message: "the service's reply does not match its schema")
            }
        }
        return envelope.caused(reply).jsonBytes()
    }

    private func failure(_ error: ErrorReply, correlationId: String?) -> Outcome {
        var extra: [JSONObject.Member] = []
        if let correlationId { extra.append(.init(key: "correlationId", value: .string(correlationId))) }
        return Outcome(payload: error.jsonValue(extra: extra).serializedBytes(), error: error)
    }

    /// The error reply for whatever the pipeline or the handler threw.
    func reply(for error: any Error, _ context: HandlerContext) -> ErrorReply {
        switch error {
        case let reply as ErrorReply: return reply
        case let error as ServiceError: return ErrorReply(error)
        case let code as any SchemaErrorCode: return ErrorReply(code: code.rawValue, status: code.status, message: code.defaultMessage)
        case let invalid as ValidationError: return ErrorReply(invalid)
        case let open as CircuitOpenError:
            return ErrorReply(code: ErrorReply.unavailable, status: 503, message: "a dependency is unavailable; retry after \(open.retryAfter)")
        case is IdempotencyError:
            return ErrorReply(code: "in_progress", status: 409, message: "the same message is being processed; try again")
        case is LockUnavailable:
            return ErrorReply(code: "busy", status: 503, message: "another request holds this resource; try again")
        case let missing as NotImplemented:
            return ErrorReply(code: ErrorReply.notImplemented, status: 501, message: missing.description)
        case is CancellationError:
            return ErrorReply(code: ErrorReply.unavailable, status: 503, message: "the service is shutting down")
        default:
            // Details stay in the log: a reply never carries internals.
            logger.error(
                "handler failed", metadata: ["subject": "\(subject.name)", "correlationId": "\(context.correlationId)", "error": "\(error)"])
            return ErrorReply(code: ErrorReply.internalError, status: 500, message: "internal error")
        }
    }
}

/// The steps of a consumed event: decode and validate the envelope, run the handler. Failures
/// are logged and counted; an event has nobody to answer.
struct EventConsumer<Event: Message>: Sendable {
    let subject: EventSubject<Event>
    let handler: @Sendable (Event, HandlerContext) async throws -> Void
    let logger: Logger

    func run(_ message: InboundMessage) async -> Outcome {
        let envelope: Envelope<Event>
        switch Envelope<Event>.validate(json: message.payload.readableBytesView) {
        case .success(let value): envelope = value
        case .failure(let error):
            logger.warning("invalid event", metadata: ["subject": "\(message.subject)", "issues": "\(error)"])
            return Outcome(payload: [], error: ErrorReply(error))
        }
        let context = HandlerContext(
            subject: message.subject, messageId: envelope.messageId, correlationId: envelope.correlationId,
            causationId: envelope.causationId, deadline: .now + .seconds(30), caller: envelope.caller)
        do {
            try await handler(envelope.payload, context)
            return Outcome(payload: [])
        } catch {
            logger.error("event handler failed", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
            return Outcome(payload: [], error: ErrorReply(code: ErrorReply.internalError, status: 500, message: "\(error)"))
        }
    }
}
