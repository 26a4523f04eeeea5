import Foundation
import Logging
import MessagingRuntime
import Metrics
import NATSClient
import NATSWire
import NIOCore
import Resilience
import ServiceLifecycle
import Synchronization

/// How a service host runs its handlers.
public struct ServiceHostOptions: Sendable {
    /// Messages one endpoint handles at once; more wait in the subscription (backpressure).
    public var maxInFlightPerEndpoint = 64
    /// Run the endpoints' tasks (the one reading each subscription and one per message) on the NATS
    /// connection's event loop (`NATSConnection.taskExecutor`) instead of Swift's global pool: no
    /// thread switch between the socket, the handler and the reply. Only for handlers that never
    /// block (no synchronous database or file calls, no password hashing): one that does holds up
    /// the connection and every endpoint on it.
    public var handlersOnEventLoop = false
    /// How long shutdown waits for handlers in flight before giving up on them.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Duplicate deliveries of a message id get the stored reply (`idempotent` subjects).
    public var idempotency: (any IdempotencyGuard)?
    public var idempotencyTTL: Duration = .seconds(24 * 3600)
    /// The distributed lock for `lock:` subjects.
    public var locks: (any LockGuard)?
    public var lockTTL: Duration = .seconds(30)
    /// Wraps every handler call: while open, requests fail at once with 503.
    public var breaker: CircuitBreaker?
    /// Check each reply against its schema before sending it (a broken reply becomes a 500).
    public var validateReplies = true
    /// Where handled messages are counted and timed (`switchboard_messages_total{service,endpoint,status}`,
    /// `switchboard_handler_duration_seconds{service,endpoint}`); a Prometheus factory exposes them.
    public var metrics: (any MetricsFactory)?
    /// Events of `stream:` subjects whose handler throws are delivered again after this delay.
    public var eventRetryDelay: Duration = .seconds(5)
    /// How long an event of a `stream:` subject may be in its handler before JetStream delivers it again.
    public var eventAckWait: Duration = .seconds(30)
    /// Deliveries of one event at most (the first and the retries); -1: no limit.
    public var eventMaxDeliveries = 10
    /// How long one pull request for stream events waits at the server for messages.
    public var eventPullExpiry: Duration = .seconds(10)

    public init() {}
}

/// Serves generated handler protocols over NATS: every request subject in its queue group (so
/// replicas share the load), envelopes in and out, validation, idempotency, locks, a breaker,
/// bounded concurrency, the NATS micro discovery protocol (`$SRV.PING|INFO|STATS`), and a
/// graceful shutdown that loses no request it took. A swift-service-lifecycle `Service`.
public final class ServiceHost: ServiceRegistrar, Service, Sendable {
    public let name: String
    public let id: String
    public let version: String
    public let description: String
    public let nats: NATSConnection
    let options: ServiceHostOptions
    let logger: Logger
    private let endpoints = Mutex<[Endpoint]>([])
    let started = Mutex<Date?>(nil)
    private let serving = Mutex(false)
    /// The subjects of each stream the host publishes to or consumes from, as the stream stores them.
    let streamSubjects = Mutex<[String: Set<String>]>([:])
    /// The tasks pulling stream events, cancelled at shutdown (and any started after it at once).
    let pullers = Mutex<(stopped: Bool, tasks: [Task<Void, Never>])>((false, []))
    var jetStream: JetStream { nats.jetStream() }

    /// Subscribed to every endpoint and taking messages: from `run`'s "serving" until a graceful
    /// shutdown begins (a readiness probe of the process asks this).
    public var isServing: Bool { serving.withLock { $0 } }

    /// - Parameters:
    ///   - name: the service's name in discovery (`[A-Za-z0-9_-]+`), shared by its replicas.
    ///   - version: a semantic version, as the micro protocol wants.
    public init(
        name: String, version: String = "1.0.0", description: String = "", nats: NATSConnection,
        options: ServiceHostOptions = ServiceHostOptions(), logger: Logger? = nil
    ) {
        self.name = name
        self.id = Self.newID()
        self.version = version
        self.description = description
        self.nats = nats
        self.options = options
        self.logger = logger ?? Logger(label: "switchboard.\(name)")
    }

    // MARK: Registration (generated `serve(_:with:)` calls this)

    public func handle<Request, Reply>(
        _ subject: RequestSubject<Request, Reply>, with handler: @escaping @Sendable (Request, HandlerContext) async throws -> Reply
    ) {
        let pipeline = RequestPipeline(subject: subject, handler: handler, options: options, logger: logger)
        let endpoint = Endpoint(
            name: subject.name, subscription: subject.subscription, queue: subject.queue, metrics: metrics(of: subject.name)
        ) { message in
            await pipeline.run(message)
        }
        endpoints.withLock { $0.append(endpoint) }
    }

    /// Handles the events published on `subject` (another namespace's, typically), each once per
    /// queue group: by default the service's name, so that its replicas share them.
    ///
    /// Events of a `stream:` subject come from a durable JetStream pull consumer named after the
    /// group and the subject (`mailer_auth_userRegistered`), so that events published while the
    /// service is down are handled once it is back: acknowledged after the handler returns,
    /// delivered again after `eventRetryDelay` when it throws, never again when invalid.
    public func consume<Event>(
        _ subject: EventSubject<Event>, queue: String? = nil, with handler: @escaping @Sendable (Event, HandlerContext) async throws -> Void
    ) {
        let consumer = EventConsumer(subject: subject, handler: handler, logger: logger)
        let group = queue ?? name
        let binding = subject.stream.map {
            StreamBinding(stream: $0, durable: Self.durableName(group: group, subject: subject.name), filter: subject.subscription)
        }
        if let stream = subject.stream { stores(subject.subscription, in: stream) }
        let endpoint = Endpoint(
            name: subject.name, subscription: subject.subscription, queue: binding?.durable ?? group, stream: binding,
            metrics: metrics(of: subject.name)
        ) { message in
            await consumer.run(message)
        }
        endpoints.withLock { $0.append(endpoint) }
    }

    /// A logger for one message: its correlation id, message id and trace id as metadata, so that
    /// the log lines of one request can be found across services.
    public func logger(for context: HandlerContext) -> Logger {
        var logger = self.logger
        logger[metadataKey: "correlationId"] = "\(context.correlationId)"
        logger[metadataKey: "messageId"] = "\(context.messageId)"
        if let trace = context.trace { logger[metadataKey: "traceId"] = "\(trace.traceID)" }
        return logger
    }

    /// Statistics of every endpoint (what `$SRV.STATS` answers).
    public func statistics() -> [EndpointStatistics] { endpoints.withLock { $0.map(\.statistics) } }

    // MARK: Publishing events

    /// Publishes `event` on its subject in an envelope; with `context`, as caused by the message
    /// being handled (same correlation id, causation = that message).
    ///
    /// On a `stream:` subject the event goes through JetStream with the envelope's message id as
    /// `Nats-Msg-Id` (a retry within the stream's duplicate window is stored once), and this
    /// returns once the stream has stored it; the stream is made when missing. Other events are
    /// core NATS publishes.
    /// - Throws: `NATSClientError` (closed, reconnect buffer full, no acknowledgement in time),
    ///   `JetStreamError` (JetStream not enabled, the stream refused the event).
    public func publish<Event>(_ subject: EventSubject<Event>, _ event: Event, causedBy context: HandlerContext? = nil) async throws {
        let envelope = Envelope(event, correlationId: context?.correlationId, causationId: context?.messageId)
        let payload = ByteBuffer(bytes: envelope.jsonBytes())
        guard let stream = subject.stream else {
            try nats.publish(subject.subject(event), payload: payload)
            return
        }
        try await publish(payload, on: subject.subject(event), pattern: subject.subscription, stream: stream, messageID: envelope.messageId)
    }

    // MARK: Running

    /// Subscribes every endpoint and the discovery subjects, serves until the task is cancelled
    /// or a graceful shutdown is triggered (SIGTERM in a `ServiceGroup`), then drains: no new
    /// messages, the ones taken are answered (within `shutdownGracePeriod`), replies flushed.
    public func run() async throws {
        let served = endpoints.withLock { $0 }
        started.withLock { $0 = Date() }
        try await ensureStreams()
        var subscribed: [(Endpoint, NATSSubscription)] = []
        var pulled: [(Endpoint, PullConsumer)] = []
        for endpoint in served {
            if let binding = endpoint.stream {
                pulled.append((endpoint, try await ensureConsumer(binding)))
            } else {
                subscribed.append((endpoint, try await nats.subscribe(endpoint.subscription, queue: endpoint.queue)))
            }
        }
        let subscriptions = subscribed
        let consumers = pulled
        let discovery = try await subscribeDiscovery()
        try await nats.flush()
        serving.withLock { $0 = true }
        defer { serving.withLock { $0 = false } }
        logger.info("serving", metadata: ["service": "\(name)", "id": "\(id)", "endpoints": "\(served.count)"])

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                // Child tasks inherit the executor preference: the per-message tasks run there too.
                let executor: (any TaskExecutor)? = options.handlersOnEventLoop ? nats.taskExecutor : nil
                for (endpoint, subscription) in subscriptions {
                    group.addTask(executorPreference: executor) { await self.serve(endpoint, from: subscription) }
                }
                for (endpoint, consumer) in consumers {
                    group.addTask { await self.serve(endpoint, pullingFrom: consumer) }
                }
                group.addTask { await self.answerDiscovery(discovery) }
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            // Stop taking messages without losing what the server already sent (drain: UNSUB and
            // a PING round trip); each loop ends once it has handled all of it. Stream endpoints
            // stop pulling and settle (ack or nak) the events they pulled.
            self.serving.withLock { $0 = false }
            self.stopPulling()
            Task {
                await withDiscardingTaskGroup { group in
                    for (_, subscription) in subscriptions { group.addTask { await subscription.drain() } }
                    for subscription in discovery { group.addTask { await subscription.drain() } }
                }
            }
        }
        try? await nats.flush()
        logger.info("stopped", metadata: ["service": "\(name)"])
    }

    /// Handles the messages of one endpoint, at most `maxInFlightPerEndpoint` at once, until its
    /// subscription ends (drained at shutdown, or ended by the server); then waits for the ones
    /// taken, at most `shutdownGracePeriod`.
    private func serve(_ endpoint: Endpoint, from subscription: NATSSubscription) async {
        defer {
            if let error = subscription.error {
                logger.error("the server ended the subscription", metadata: ["subject": "\(endpoint.subscription)", "error": "\(error)"])
            }
        }
        await withDiscardingTaskGroup { group in
            let inFlight = InFlight()
            for await message in subscription {
                // A handler that finishes makes room; waiting for it is how backpressure reaches NATS.
                await inFlight.waitForRoom(below: options.maxInFlightPerEndpoint)
                inFlight.take()
                group.addTask {
                    await self.answer(message, with: endpoint)
                    inFlight.done()
                }
            }
            await finish(endpoint, inFlight, &group)
        }
    }

    /// Waits for the handlers still running once an endpoint takes no more messages, at most
    /// `shutdownGracePeriod`; those left are cancelled (a handler that honours cancellation
    /// answers 503, "shutting down"). A cancelled host waits for none: its handlers are cancelled
    /// with it.
    func finish(_ endpoint: Endpoint, _ inFlight: InFlight, _ group: inout DiscardingTaskGroup) async {
        if await inFlight.waitUntilIdle(until: .now + options.shutdownGracePeriod) || Task.isCancelled { return }
        logger.warning(
            "handlers still running after the shutdown grace period; cancelling them",
            metadata: ["subject": "\(endpoint.subscription)", "handlers": "\(inFlight.count)", "grace": "\(options.shutdownGracePeriod)"])
        group.cancelAll()
    }

    private func answer(_ message: InboundMessage, with endpoint: Endpoint) async {
        let outcome = await process(message, with: endpoint)
        guard let replyTo = message.replyTo else { return }
        do {
            try nats.publish(replyTo, payload: outcome.payload, headers: outcome.headers)
        } catch {
            logger.warning("could not send a reply", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
        }
    }

    /// Runs a message through its endpoint, counted and timed.
    func process(_ message: InboundMessage, with endpoint: Endpoint) async -> Outcome {
        let start = ContinuousClock.now
        let outcome = await endpoint.process(message)
        endpoint.count(outcome, took: ContinuousClock.now - start)
        return outcome
    }

    private func metrics(of endpoint: String) -> EndpointMetrics? {
        options.metrics.map { EndpointMetrics(factory: $0, service: name, endpoint: endpoint) }
    }

    static func newID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<22).map { _ in alphabet.randomElement()! })
    }
}
