import AccessTokens
import Foundation
import Gateway
import GeneratedSchemas
import Logging
import NATSClient
import NIOCore
import Prometheus
import Redis
import SQLite
import ServiceHost
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The event-booking system in one process: the chosen services, each on its own service host
/// and NATS connection with its own SQLite file, and the HTTP gateway with every generated route.
/// Run it in a `ServiceGroup` (``run(signals:)`` does) for a graceful shutdown: the gateway stops
/// first, then the services finish what they took.
public final class EventBookingServer: Sendable {
    public let configuration: EventBookingConfiguration
    public let hosts: [ServiceHost]
    public let gateway: Gateway?
    private let connections: [NATSConnection]
    private let databases: [SQLiteDatabase]
    private let redis: RedisClient?
    private let logger: Logger

    /// Connects to NATS (waiting for it when it is not up yet), opens and migrates the databases,
    /// and wires every handler. Nothing is served until the service group runs.
    public init(configuration: EventBookingConfiguration, logger: Logger = Logger(label: "event-booking")) async throws {
        self.configuration = configuration
        self.logger = logger
        let tokens = try await AccessTokens(secret: configuration.tokenSecret)
        let components = configuration.components
        let needsData = components.contains { $0 != .gateway }
        if needsData {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        }
        var hosts: [ServiceHost] = []
        var connections: [NATSConnection] = []
        var databases: [SQLiteDatabase] = []
        var gateway: Gateway?
        var hostOptions = configuration.hostOptions
        hostOptions.metrics = PrometheusMetricsFactory(registry: configuration.metrics)
        let openAPIDocument = try configuration.openAPIFile.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw EventBookingError("cannot read the OpenAPI document \(path) (make it with `switchboard export openapi`)")
            }
            return [UInt8](data)
        }
        // The hosts of this process, for the gateway's /readyz (filled in as they are made).
        let localHosts = Mutex<[ServiceHost]>([])
        var gatewayIdempotency: IdempotencyStore?
        let redis = try configuration.redisURL.map { try RedisClient(url: $0) }
        if let redis {
            hostOptions.locks = RedisLock(redis)
            hostOptions.idempotency = IdempotencyStore(redis)
            gatewayIdempotency = IdempotencyStore(redis, options: IdempotencyOptions(keyPrefix: "gateway-idempotency:"))
        }
        logger.info("connecting to NATS (waiting for it if it is not up yet)", metadata: ["servers": "\(Self.shown(configuration.nats))"])
        do {
            for component in components {
                if component == .gateway {
                    // One connection per event loop: each request goes out on its HTTP connection's loop.
                    let group = try await NATSConnectionGroup.connect(Self.natsOptions(configuration.nats, name: "event-booking-gateway"))
                    connections.append(contentsOf: group.connections)
                    var options = GatewayOptions()
                    options.host = configuration.httpHost
                    options.port = configuration.httpPort
                    options.tokens = tokens
                    options.idempotency = gatewayIdempotency
                    options.metrics = configuration.metrics
                    options.openAPIDocument = openAPIDocument
                    options.notReadyReason = {
                        let waiting = localHosts.withLock { $0.filter { !$0.isServing }.map(\.name) }
                        return waiting.isEmpty ? nil : "not serving yet: \(waiting.joined(separator: ", "))"
                    }
                    let routes = Gateway(connections: group, options: options)
                    Auth.routes(into: routes)
                    Events.routes(into: routes)
                    Bookings.routes(into: routes)
                    gateway = routes
                    continue
                }
                let nats = try await NATSConnection.connect(Self.natsOptions(configuration.nats, name: "event-booking-\(component.rawValue)"))
                connections.append(nats)
                let database = try SQLiteDatabase(path: "\(configuration.dataDirectory)/\(component.rawValue).sqlite")
                databases.append(database)
                let host = ServiceHost(
                    name: component.rawValue, description: Self.descriptions[component] ?? "", nats: nats,
                    options: hostOptions)
                switch component {
                case .auth:
                    let service = try AuthService(
                        database: database, tokens: tokens, hasher: configuration.passwordHasher, lifetimes: configuration.lifetimes,
                        events: host)
                    Auth.serve(service, with: host)
                case .events:
                    try EventsService(database: database, events: host).serve(on: host)
                case .bookings:
                    let service = try BookingsService(database: database, catalog: EventsServiceCatalog(client: host.client), events: host)
                    Bookings.serve(service, with: host)
                case .gateway:
                    break
                }
                hosts.append(host)
                localHosts.withLock { $0.append(host) }
            }
        } catch {
            for connection in connections { await connection.close() }
            for database in databases { database.close() }
            await redis?.close()
            throw error
        }
        self.hosts = hosts
        self.gateway = gateway
        self.connections = connections
        self.databases = databases
        self.redis = redis
    }

    static let descriptions: [EventBookingConfiguration.Component: String] = [
        .auth: "Accounts and sessions", .events: "Events organizers publish", .bookings: "Seat bookings for events",
    ]

    /// Options for a connection that retries its first connect and reconnects forever: a service
    /// outlives restarts of its broker.
    static func natsOptions(_ base: NATSOptions, name: String) -> NATSOptions {
        var options = base
        options.name = name
        options.retryOnFailedConnect = true
        options.maxReconnectAttempts = nil
        return options
    }

    /// The servers as logs show them: without credentials.
    static func shown(_ options: NATSOptions) -> String {
        options.servers.map(ServerAddress.shown).joined(separator: ",")
    }

    /// The hosts and the gateway as one service group; shutdown runs in reverse order, so the
    /// gateway stops taking HTTP requests before the services stop taking messages.
    /// - Parameter onHTTPServerRunning: called with the gateway's listening address.
    public func serviceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint], onHTTPServerRunning: @escaping @Sendable (SocketAddress?) async -> Void = { _ in }
    ) -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = hosts.map { .init(service: $0) }
        if let gateway {
            let logger = logger
            services.append(.init(service: gateway.server { channel in
                let address = channel.localAddress
                logger.info("gateway listening", metadata: ["url": "http://\(address?.ipAddress ?? "?"):\(address?.port ?? 0)"])
                await onHTTPServerRunning(address)
            }))
        }
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals
        return ServiceGroup(configuration: configuration)
    }

    /// Serves until one of `signals` arrives (or the task is cancelled), then shuts down
    /// gracefully and closes the connections and databases.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        logger.info(
            "serving", metadata: [
                "services": "\(configuration.components.map(\.rawValue).joined(separator: ","))", "nats": "\(Self.shown(configuration.nats))",
                "data": "\(configuration.dataDirectory)",
                "redis": "\(configuration.redisURL.map(RedisOptions.shown) ?? "none")",
            ])
        do {
            try await serviceGroup(signals: signals).run()
        } catch {
            await close()
            throw error
        }
        await close()
        logger.info("stopped")
    }

    /// Flushes and closes the NATS connections, then the databases and Redis.
    public func close() async {
        for connection in connections {
            try? await connection.flush(timeout: .seconds(2))
            await connection.close()
        }
        for database in databases { database.close() }
        await redis?.close()
    }
}
