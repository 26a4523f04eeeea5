import ArgumentParser
import EventBooking
import Foundation
import Logging
import NATSClient

/// `event-booking serve`: runs the chosen services and the gateway until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run services and the gateway until SIGTERM or SIGINT, then shut down gracefully.",
        discussion: """
            Each service has its own NATS connection, service host and SQLite file in the data directory; \
            any number of processes may share the work (NATS queue groups), for example one with \
            --services gateway and others with --services auth,events,bookings. The connection to NATS is \
            retried until the server is up, and re-established forever.
            """
    )

    /// The secret used when neither --token-secret nor SWITCHBOARD_TOKEN_SECRET is given.
    static let developmentSecret = "switchboard-development-secret-do-not-use-in-production"

    @Option(help: ArgumentHelp(
        """
        NATS server URL (a comma-separated list for a cluster); default: $NATS_URL, else nats://127.0.0.1:4222. Credentials \
        and TLS come from NATS_USER, NATS_PASSWORD, NATS_CREDS, NATS_NKEY (a seed file), NATS_CA, NATS_CERT and NATS_KEY.
        """,
        valueName: "url"))
    var nats: String?

    @Option(help: "Address the gateway listens on.")
    var httpHost = "127.0.0.1"

    @Option(help: "Port the gateway listens on.")
    var httpPort = 8080

    @Option(help: ArgumentHelp(
        """
        Redis URL (redis://[user:password@]host[:port][/db]) for the locks of lock: subjects (with fencing tokens the stores \
        check), idempotent redelivery and Idempotency-Key; default: none.
        """,
        valueName: "url"))
    var redis: String?

    @Option(help: "Folder of the services' SQLite files (created if missing).")
    var dataDir = ".data"

    @Option(help: "Comma-separated parts to run: auth, events, bookings, gateway.")
    var services = "auth,events,bookings,gateway"

    @Option(help: ArgumentHelp(
        "Secret (≥ 32 bytes) that signs and verifies access tokens; default: $SWITCHBOARD_TOKEN_SECRET, else a development secret.",
        valueName: "secret"))
    var tokenSecret: String?

    @Option(help: ArgumentHelp("The OpenAPI document to serve at /openapi.json (`switchboard export openapi`).", valueName: "file"))
    var openapi: String?

    @Option(help: "PBKDF2-SHA256 iterations for new password hashes.")
    var passwordIterations = 210_000

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        do { _ = try EventBookingConfiguration.components(services) } catch { throw ValidationError("\(error)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard passwordIterations >= 1 else { throw ValidationError("--password-iterations must be at least 1") }
        if let tokenSecret, tokenSecret.utf8.count < 32 {
            throw ValidationError("--token-secret needs at least 32 bytes, it has \(tokenSecret.utf8.count)")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "event-booking")
        var configuration = EventBookingConfiguration(tokenSecret: try secret(logger: logger))
        configuration.nats = try NATSOptions(environment: ProcessInfo.processInfo.environment)
        if let nats {
            configuration.nats.servers = nats.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        configuration.httpHost = httpHost
        configuration.httpPort = httpPort
        configuration.dataDirectory = dataDir
        configuration.redisURL = redis
        configuration.openAPIFile = openapi
        configuration.components = try EventBookingConfiguration.components(services)
        configuration.passwordHasher = PasswordHasher(iterations: passwordIterations)
        let server = try await EventBookingServer(configuration: configuration, logger: logger)
        try await server.run()
    }

    /// --token-secret, else $SWITCHBOARD_TOKEN_SECRET, else the development secret (with a warning).
    func secret(logger: Logger) throws -> String {
        if let tokenSecret { return tokenSecret }
        if let environment = ProcessInfo.processInfo.environment["SWITCHBOARD_TOKEN_SECRET"], !environment.isEmpty {
            guard environment.utf8.count >= 32 else {
                throw ValidationError("SWITCHBOARD_TOKEN_SECRET needs at least 32 bytes, it has \(environment.utf8.count)")
            }
            return environment
        }
        logger.warning("no token secret given: using the development secret; set SWITCHBOARD_TOKEN_SECRET in production")
        return Self.developmentSecret
    }
}
