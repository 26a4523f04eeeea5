import AccessTokens
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MessagingRuntime
import NATSClient
import NIOCore
import NIOPosix
import Prometheus
import Resilience
import ServiceLifecycle
import Synchronization

/// How the gateway listens and what it accepts.
public struct GatewayOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Bodies above this many bytes get 413.
    public var maxBodyBytes = 1024 * 1024
    /// Open connections at most; past it the gateway stops accepting until one closes.
    public var maxConnections = 4096
    /// A connection with no request for this long is closed (slow or abandoned clients).
    public var idleTimeout: Duration = .seconds(60)
    /// Verifies bearer tokens; without it, routes that need a caller answer 401.
    public var tokens: AccessTokens?
    /// Keeps responses for `Idempotency-Key` (the Redis idempotency store in production).
    public var idempotency: (any IdempotencyGuard)?
    /// How long a kept response answers its key.
    public var idempotencyTTL: Duration = .seconds(24 * 3600)
    /// Where `/metrics` comes from: the gateway's request metrics, and whatever else the process
    /// records in it (share it with the service hosts of the same process).
    public var metrics = PrometheusCollectorRegistry()
    /// `/openapi.json`, when the deployment has the exported document.
    public var openAPIDocument: [UInt8]?
    /// What else `/readyz` waits for beside NATS (the services of the same process serving, say):
    /// the reason it is not ready yet, or nil when it is.
    public var notReadyReason: @Sendable () -> String? = { nil }

    public init() {}
}

/// The HTTP face of the services: every generated route becomes an endpoint that checks the
/// caller, validates the request with the generated validator, sends it as a NATS request in an
/// envelope, and answers with the reply's payload or its error, with the subject's status.
/// Also `/healthz` (the process is up) and `/readyz` (NATS is connected, and whatever
/// `notReadyReason` waits for).
public final class Gateway: RouteRegistrar, Sendable {
    /// Where requests go: a route sends on the connection of the event loop it runs on.
    public let connections: NATSConnectionGroup
    public let options: GatewayOptions
    let logger: Logger
    private let routes = Mutex<[@Sendable (Router<GatewayContext>) -> Void]>([])
    private let methods = Mutex(MethodTable())

    /// A gateway whose requests all go out on `nats`.
    public convenience init(nats: NATSConnection, options: GatewayOptions = GatewayOptions(), logger: Logger? = nil) {
        self.init(connections: NATSConnectionGroup([nats]), options: options, logger: logger)
    }

    /// A gateway with a connection per event loop (`NATSConnectionGroup.connect`, on the group
    /// that `server(eventLoopGroup:)` serves HTTP on): each request is sent and its reply read on
    /// the loop of its HTTP connection, the fastest set-up.
    public init(connections: NATSConnectionGroup, options: GatewayOptions = GatewayOptions(), logger: Logger? = nil) {
        self.connections = connections
        self.options = options
        self.logger = logger ?? Logger(label: "switchboard.gateway")
    }

    /// Adds the route of `subject` (generated `routes(into:)` calls this for each subject with `http:`).
    public func route<Request, Reply>(_ subject: RequestSubject<Request, Reply>) {
        guard let http = subject.http else { return }
        let route = GatewayRoute(subject: subject, http: http, gateway: self)
        methods.withLock { $0.add(http.path, http.method) }
        routes.withLock { routes in
            routes.append { router in
                router.on(RouterPath(http.path), method: HTTPRequest.Method(http.method) ?? .get) { request, context in
                    try await route.respond(to: request, context: context)
                }
            }
        }
    }

    /// The gateway's HTTP server, ready to run in a `ServiceGroup` (a graceful shutdown stops
    /// accepting, lets the requests in flight finish and closes idle connections).
    /// - Parameters:
    ///   - eventLoopGroup: where connections are served (and their requests run).
    ///   - onServerRunning: called with the listening channel once the server accepts connections.
    public func server(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some Service {
        let responder = router().buildResponder()
        let settings = HTTPConnectionHandler<RouterResponder<GatewayContext>>.Settings(
            maxBodyBytes: options.maxBodyBytes, idleTimeout: .nanoseconds(options.idleTimeout.nanosecondsSaturated),
            serverName: "switchboard", logger: logger)
        let childChannel = GatewayChildChannel(responder: responder, settings: settings)
        return Server(
            childChannelSetup: childChannel,
            configuration: ServerConfiguration(
                address: .hostname(options.host, port: options.port), serverName: "switchboard",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: onServerRunning, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Every generated route, the health, metrics and OpenAPI endpoints, behind the middleware.
    func router() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        var table = methods.withLock { $0 }
        for path in ["/healthz", "/readyz", "/metrics"] + (options.openAPIDocument == nil ? [] : ["/openapi.json"]) { table.add(path, "GET") }
        router.add(middleware: GatewayMiddleware(metrics: HTTPMetrics(registry: options.metrics), methods: table))
        router.get("/healthz") { _, _ in Self.json(["status": "ok"]) }
        router.get("/readyz") { [connections, notReadyReason = options.notReadyReason] _, _ in
            guard connections.isReady else { throw GatewayError(503, ErrorReply.unavailable, "not connected to NATS", retryAfterSeconds: 1) }
            if let reason = notReadyReason() { throw GatewayError(503, ErrorReply.unavailable, reason, retryAfterSeconds: 1) }
            return Self.json(["status": "ready"])
        }
        router.get("/metrics") { [registry = options.metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        if let document = options.openAPIDocument {
            router.get("/openapi.json") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
            }
        }
        for add in routes.withLock({ $0 }) { add(router) }
        return router
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes())))
    }
}
