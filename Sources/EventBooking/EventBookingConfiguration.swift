import Foundation
public import NATSClient
import Prometheus
import ServiceHost

/// What `event-booking serve` runs, where it listens and where it keeps its data.
public struct EventBookingConfiguration: Sendable {
    /// A part of the system; one process may run any of them (and other processes the rest).
    public enum Component: String, CaseIterable, Sendable, Hashable {
        case auth, events, bookings, gateway
    }

    /// How to reach NATS: its servers (a cluster's, say), credentials and TLS. Every service's
    /// connection starts from these, retries its first connect and reconnects forever.
    public var nats = NATSOptions()
    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    /// Where each service keeps its SQLite file (`auth.sqlite`, `events.sqlite`, `bookings.sqlite`).
    public var dataDirectory = ".data"
    public var components: [Component] = Component.allCases
    /// Signs access tokens (the auth service) and verifies them (the gateway): at least 32 bytes,
    /// the same in every process.
    public var tokenSecret: String
    public var passwordHasher = PasswordHasher()
    public var lifetimes = AuthService.Lifetimes()
    /// Redis (`redis://host:port/db`), when set: the services' `lock:` subjects run under Redis
    /// locks whose fencing tokens the stores check, duplicate deliveries get the stored reply, and
    /// the gateway honours `Idempotency-Key`.
    public var redisURL: String?
    /// The exported OpenAPI document the gateway serves at `/openapi.json`, if any.
    public var openAPIFile: String?
    /// Where `/metrics` reads from: the gateway's and every host's metrics.
    public var metrics = PrometheusCollectorRegistry()
    /// How each service host runs (breaker, in-flight bound…); `--redis` fills in its locks and
    /// idempotency store.
    public var hostOptions = ServiceHostOptions()

    public init(tokenSecret: String) {
        self.tokenSecret = tokenSecret
    }

    /// Reads a comma-separated list such as `auth,events,gateway`.
    /// - Throws: a message naming the unknown component.
    public static func components(_ list: String) throws -> [Component] {
        var components: [Component] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let component = Component(rawValue: name) else {
                throw ConfigurationError(
                    "unknown service '\(name)'; choose from \(Component.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !components.contains(component) { components.append(component) }
        }
        guard !components.isEmpty else { throw ConfigurationError("name at least one service to run") }
        return components
    }
}

/// A configuration that cannot run, with the reason.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A setting that cannot be used, said plainly.
public struct EventBookingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
