// See ValidationExample.swift. `AuthService` is the stub `switchboard scaffold auth` writes.

import AccessTokens
import Foundation
import Gateway
import GeneratedSchemas
import Logging
import NATSClient
import Redis
import Resilience
import ServiceHost
import ServiceLifecycle

func serviceExample(secret: String) async throws {
// readme:begin
let logger = Logger(label: "auth")
var natsOptions = try NATSOptions(environment: ProcessInfo.processInfo.environment, name: "auth")   // NATS_URL, NATS_CREDS…; else 127.0.0.1:4222
natsOptions.retryOnFailedConnect = true
let nats = try await NATSConnection.connect(natsOptions)
let redis = RedisClient(options: try RedisOptions(url: "redis://127.0.0.1:6379"))

var hostOptions = ServiceHostOptions()
hostOptions.locks = RedisLock(redis)                       // lock: subjects; the fencing token reaches the handler
hostOptions.idempotency = IdempotencyStore(redis)          // idempotent: subjects (the default)
hostOptions.breaker = CircuitBreaker(name: "auth-db")      // open: 503 at once
let host = ServiceHost(name: "auth", nats: nats, options: hostOptions)
Auth.serve(AuthService(), with: host)

var gatewayOptions = GatewayOptions()                      // 127.0.0.1:8080, 1 MiB bodies
gatewayOptions.tokens = try await AccessTokens(secret: secret)   // HS256 bearer tokens (jwt-kit), ≥ 32 bytes
gatewayOptions.idempotency = IdempotencyStore(redis)       // Idempotency-Key
// One NATS connection per event loop: each request goes out and its reply comes back on the loop
// of its HTTP connection (Gateway(nats:) takes a single connection instead).
let gateway = Gateway(connections: try await NATSConnectionGroup.connect(natsOptions), options: gatewayOptions)
Auth.routes(into: gateway)

try await ServiceGroup(services: [host, gateway.server()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
// readme:end
}
