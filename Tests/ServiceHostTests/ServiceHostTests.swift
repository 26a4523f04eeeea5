import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore
import Resilience
import ServiceHost
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// A small auth service for the tests: registers accounts in memory.
final class MemoryAuth: Auth.Handler {
    let accounts = Mutex<[String: Auth.UserProfile]>([:])
    let replica: String
    let served = Mutex<[String]>([])
    let delay: Duration

    init(replica: String, delay: Duration = .zero) {
        self.replica = replica
        self.delay = delay
    }

    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        served.withLock { $0.append(context.correlationId) }
        if delay > .zero { try await Task.sleep(for: delay) }
        if request.email == "crash@example.com" { throw CocoaError(.fileNoSuchFile) }
        let profile = Auth.UserProfile(id: UUID(), email: request.email, role: request.role, displayName: replica, createdAt: .now)
        return try accounts.withLock { accounts in
            guard accounts[request.email] == nil else { throw Auth.ErrorCode.emailTaken }
            accounts[request.email] = profile
            return profile
        }
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }

    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        guard let caller = context.caller else { throw Auth.ErrorCode.invalidToken }
        return Auth.UserProfile(id: UUID(), email: caller.id, role: .user, displayName: nil, createdAt: .now)
    }
}

/// Runs hosts in a ServiceGroup-like task and stops them gracefully.
final class RunningHosts: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ hosts: [ServiceHost]) {
        var configuration = ServiceGroupConfiguration(services: hosts.map { .init(service: $0) }, logger: .init(label: "test"))
        configuration.gracefulShutdownSignals = []
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        self.task = Task { try await group.run() }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// A JetStream nats-server, an `auth` host serving `handler`, and the test's own connection, once
/// the host answers `$SRV.PING`.
struct ServingAuth {
    let server: NATSServer
    let host: ServiceHost
    let running: RunningHosts
    let client: NATSConnection

    init(_ handler: some Auth.Handler, options: ServiceHostOptions = ServiceHostOptions()) async throws {
        server = try NATSServer(jetStream: true)
        host = ServiceHost(name: "auth", nats: try await connect(server), options: options)
        Auth.serve(handler, with: host)
        running = RunningHosts([host])
        client = try await connect(server)
        try await ServiceHostTests.waitUntilServing(client)
    }

    /// Stops the host gracefully, then closes the connections and the server.
    func stop() async throws {
        try await running.stop()
        await close()
    }

    /// Closes the connections and the server (after `running.stop()`).
    func close() async {
        await client.close()
        await host.nats.close()
        server.stop()
    }
}

func connect(_ server: NATSServer) async throws -> NATSConnection {
    try await NATSConnection.connect(NATSOptions(servers: [server.url], name: "service-host-tests"))
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceHostTests {
    static func send<Request: Message>(
        _ payload: Request, on subject: String, via nats: NATSConnection, caller: Caller? = nil
    ) async throws -> (Envelope<Request>, InboundMessage) {
        let envelope = Envelope(payload, caller: caller)
        let reply = try await nats.request(subject, payload: ByteBuffer(bytes: try JSONEncoder().encode(envelope)), timeout: .seconds(5))
        return (envelope, reply)
    }

    static func json(_ message: InboundMessage) throws -> JSONValue { try JSONValue(parsing: message.payload.readableBytesView) }

    /// Waits (bounded) until the host's subscriptions are at the server.
    static func waitUntilServing(_ nats: NATSConnection, subject: String = "$SRV.PING") async throws {
        for _ in 0..<100 {
            if (try? await nats.request(subject, payload: ByteBuffer(), timeout: .milliseconds(200))) != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aHostIsServingFromItsSubscriptionsToItsShutdown() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: host)
        #expect(!host.isServing, "not before run")
        let running = RunningHosts([host])
        for _ in 0..<500 where !host.isServing { try await Task.sleep(for: .milliseconds(10)) }
        #expect(host.isServing)
        let client = try await connect(server)
        try await Self.waitUntilServing(client, subject: "$SRV.PING.auth")
        try await running.stop()
        #expect(!host.isServing, "not once shut down")
        await client.close()
        await host.nats.close()
    }

    @Test func twoReplicasShareTheQueueGroupAndKeepTheCorrelation() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let a = MemoryAuth(replica: "a"), b = MemoryAuth(replica: "b")
        var hosts: [ServiceHost] = []
        for handler in [a, b] {
            let host = ServiceHost(name: "auth", nats: try await connect(server))
            Auth.serve(handler, with: host)
            hosts.append(host)
        }
        let running = RunningHosts(hosts)
        let client = try await connect(server)
        // Both replicas, each by its own id: one answering says nothing of the other's subscriptions.
        for host in hosts { try await Self.waitUntilServing(client, subject: "$SRV.PING.auth.\(host.id)") }

        for index in 0..<40 {
            let (sent, reply) = try await Self.send(
                Auth.RegisterRequest(email: "user\(index)@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
            let envelope = try Envelope<Auth.UserProfile>(validatingJSON: reply.payload.readableBytesView)
            #expect(envelope.correlationId == sent.correlationId && envelope.causationId == sent.messageId)
            #expect(envelope.payload.email == "user\(index)@example.com")
            #expect(reply.headers?["Nats-Service-Error"] == nil)
        }
        let (servedA, servedB) = (a.served.withLock { $0.count }, b.served.withLock { $0.count })
        #expect(servedA + servedB == 40 && servedA > 0 && servedB > 0, "the queue group spreads the load: \(servedA)/\(servedB)")
        try await running.stop()
        await client.close()
        for host in hosts { await host.nats.close() }
    }

    @Test func everyFailureIsATypedErrorReply() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: host)
        let running = RunningHosts([host])
        let client = try await connect(server)
        try await Self.waitUntilServing(client)

        func error(_ reply: InboundMessage) throws -> ErrorReply? { ErrorReply(json: try Self.json(reply)) }

        let invalid = try await client.request("auth.register", payload: ByteBuffer(string: #"{"messageId":"m"}"#), timeout: .seconds(5))
        let invalidError = try #require(try error(invalid))
        #expect(invalidError.status == 400 && invalidError.code == "validation_failed")
        #expect(invalidError.issues?.count == 5, "every missing envelope field, at once: \(invalidError.issues ?? [])")
        #expect(invalid.headers?["Nats-Service-Error-Code"] == "400")

        let notJSON = try await client.request("auth.register", payload: ByteBuffer(string: "{nope"), timeout: .seconds(5))
        #expect(String(buffer: notJSON.payload).contains("invalid_json"))

        let request = Auth.RegisterRequest(email: "taken@example.com", password: "correct horse", role: .user)
        _ = try await Self.send(request, on: "auth.register", via: client)
        let (sent, taken) = try await Self.send(request, on: "auth.register", via: client)
        #expect(try error(taken) == ErrorReply(Auth.ErrorCode.emailTaken))
        #expect(String(buffer: taken.payload).contains(sent.correlationId), "the correlation id comes back with errors too")
        #expect(taken.headers?["Nats-Service-Error-Code"] == "409")

        let (_, crashed) = try await Self.send(
            Auth.RegisterRequest(email: "crash@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
        #expect(try error(crashed) == ErrorReply(code: "internal_error", status: 500, message: "internal error"), "no internals leak")

        let (_, missing) = try await Self.send(Auth.LoginRequest(email: "a@b.co", password: "x"), on: "auth.login", via: client)
        #expect(try error(missing)?.status == 501)

        let (_, anonymous) = try await Self.send(Auth.MeRequest(), on: "auth.me", via: client)
        #expect(try error(anonymous)?.code == "InvalidToken")
        let (_, known) = try await Self.send(Auth.MeRequest(), on: "auth.me", via: client, caller: Caller(id: "me@example.com", role: "user"))
        #expect(try Envelope<Auth.UserProfile>(validatingJSON: known.payload.readableBytesView).payload.email == "me@example.com")

        let statistics = try #require(host.statistics().first { $0.name == "auth.register" })
        #expect(statistics.requests == 5 && statistics.errors == 4 && statistics.lastError.hasPrefix("500"))
        try await running.stop()
        await client.close()
        await host.nats.close()
    }
}

extension ServiceHostTests {
    /// Answers `login` with a session that breaks two rules of its schema.
    struct BrokenRepliesAuth: Auth.Handler {
        func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
        func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session {
            let user = Auth.UserProfile(id: UUID.random(), email: request.email, role: .user, createdAt: .now)
            return Auth.Session(accessToken: "a", refreshToken: "r", tokenType: "Basic", expiresIn: 0, user: user)
        }
        func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
        func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
    }

    @Test(arguments: [true, false])
    func aReplyThatBreaksItsSchemaIsAnInternalError(validateReplies: Bool) async throws {
        var options = ServiceHostOptions()
        options.validateReplies = validateReplies
        let hosted = try await ServingAuth(BrokenRepliesAuth(), options: options)

        let (_, reply) = try await Self.send(Auth.LoginRequest(email: "a@b.co", password: "x"), on: "auth.login", via: hosted.client)
        if validateReplies {
            #expect(ErrorReply(json: try Self.json(reply)) == ErrorReply(code: "internal_error", status: 500, message: "the service's reply does not match its schema"))
            #expect(reply.headers?["Nats-Service-Error-Code"] == "500")
        } else {
            let sent = try JSONDecoder().decode(Envelope<Auth.Session>.self, from: Data(reply.payload.readableBytesView))
            #expect(sent.payload.tokenType == "Basic" && sent.payload.expiresIn == 0, "unchecked, the reply goes out as it is")
        }
        try await hosted.stop()
    }
}

