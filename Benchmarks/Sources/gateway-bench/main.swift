// gateway-bench: the Switchboard side of the peers' gateway workload (shared/peers/README.md, "Gateway"),
// two processes as the peers run it (scripts/bench-gateway.sh starts both):
//
//   gateway-bench gateway   --nats URL --port P [--host 127.0.0.1]
//       the Switchboard gateway with the generated auth routes: POST /auth/register is validated with
//       the generated RegisterRequest validator and sent as a NATS request (auth.register, 2 s) in an
//       envelope; the reply's UserProfile comes back with 201. Prints READY once it listens.
//   gateway-bench responder --nats URL
//       a service host (queue group "auth") serving a storage-free Auth.Handler: register returns a
//       UserProfile with a new UUID, the email, the role and createdAt = now, like the peers'
//       responders, which only reply. Prints READY once subscribed.
//
// Both run in a ServiceGroup and stop gracefully on SIGTERM or SIGINT. --log-level (default warning,
// as the peers run uvicorn) sets swift-log's level.
import Foundation
import Gateway
import GeneratedSchemas
import Logging
import MessagingRuntime
import NATSClient
import ServiceHost
import ServiceLifecycle
import UnixSignals

/// The peers' responder as a Switchboard handler: no password hashing, no storage.
struct BenchAuth: Auth.Handler {
    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        Auth.UserProfile(id: UUID.random(), email: request.email, role: request.role, createdAt: .now)
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
}

struct Arguments {
    var mode = ""
    var nats = "nats://127.0.0.1:4222"
    var host = "127.0.0.1"
    var port = 8080
    var logLevel = Logger.Level.warning

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        guard let mode = iterator.next(), mode == "gateway" || mode == "responder" else {
            Self.usage("the first argument is gateway or responder")
        }
        self.mode = mode
        while let flag = iterator.next() {
            guard let value = iterator.next() else { Self.usage("\(flag) needs a value") }
            switch flag {
            case "--nats": nats = value
            case "--host": host = value
            case "--port":
                guard let port = Int(value), (0...65535).contains(port) else { Self.usage("bad port '\(value)'") }
                self.port = port
            case "--log-level":
                guard let level = Logger.Level(rawValue: value) else { Self.usage("unknown log level '\(value)'") }
                logLevel = level
            default: Self.usage("unknown flag \(flag)")
            }
        }
    }

    static func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("""
            gateway-bench: \(message)
            usage: gateway-bench gateway --nats URL --port P [--host H] [--log-level L]
                   gateway-bench responder --nats URL [--log-level L]

            """.utf8))
        exit(2)
    }
}

func ready() { FileHandle.standardOutput.write(Data("READY\n".utf8)) }

EventLoopExecutor.install(.pool)  // as event-booking (SWITCHBOARD_EXECUTOR overrides)
let arguments = Arguments()
let level = arguments.logLevel
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
let logger = Logger(label: "gateway-bench")
let natsOptions = NATSOptions(servers: [arguments.nats], name: "switchboard-\(arguments.mode)")
let service: any Service
let connections: NATSConnectionGroup
switch arguments.mode {
case "gateway":
    var options = GatewayOptions()
    options.host = arguments.host
    options.port = arguments.port
    // A connection per event loop, as the event-booking gateway runs (SWITCHBOARD_GATEWAY_CONNECTIONS=1: one).
    connections = ProcessInfo.processInfo.environment["SWITCHBOARD_GATEWAY_CONNECTIONS"] == "1"
        ? NATSConnectionGroup([try await NATSConnection.connect(natsOptions)])
        : try await NATSConnectionGroup.connect(natsOptions)
    let gateway = Gateway(connections: connections, options: options)
    Auth.routes(into: gateway)
    service = gateway.server { _ in ready() }
default:
    connections = NATSConnectionGroup([try await NATSConnection.connect(natsOptions)])
    let nats = connections.connections[0]
    // The handler only computes: it may run on the connection's event loop, as the Go responder's
    // callback runs on its reading goroutine (SWITCHBOARD_HANDLERS_ON_EVENT_LOOP=0: Swift's pool).
    var hostOptions = ServiceHostOptions()
    hostOptions.handlersOnEventLoop = ProcessInfo.processInfo.environment["SWITCHBOARD_HANDLERS_ON_EVENT_LOOP"] != "0"
    let host = ServiceHost(name: "auth", nats: nats, options: hostOptions)
    Auth.serve(BenchAuth(), with: host)
    service = host
    // The host subscribes when the group runs it; a round trip to its own endpoint says it serves.
    Task {
        for _ in 0..<500 {
            if (try? await nats.request("$SRV.PING.auth", timeout: .milliseconds(100))) != nil { return ready() }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
var configuration = ServiceGroupConfiguration(services: [.init(service: service)], logger: logger)
configuration.gracefulShutdownSignals = [.sigterm, .sigint]
try await ServiceGroup(configuration: configuration).run()
await connections.close()
