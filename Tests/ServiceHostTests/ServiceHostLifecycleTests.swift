import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore
import Resilience
import ServiceHost
import Synchronization
import TestSupport
import Testing

/// Discovery, breaker and graceful shutdown of a service host against a real nats-server.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceHostLifecycleTests {
    @Test func answersTheMicroDiscoveryProtocol() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let host = ServiceHost(name: "auth", version: "2.1.0", description: "Accounts", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: host)
        let running = RunningHosts([host])
        let client = try await connect(server)
        try await ServiceHostTests.waitUntilServing(client)
        _ = try await ServiceHostTests.send(
            Auth.RegisterRequest(email: "a@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)

        func ask(_ subject: String) async throws -> JSONObject {
            let reply = try await client.request(subject, payload: ByteBuffer(), timeout: .seconds(2))
            guard case .object(let object) = try JSONValue(parsing: reply.payload.readableBytesView) else { throw CocoaError(.coderInvalidValue) }
            return object
        }
        let ping = try await ask("$SRV.PING")
        #expect(ping["type"] == "io.nats.micro.v1.ping_response" && ping["name"] == "auth" && ping["version"] == "2.1.0")
        #expect(ping["id"] == .string(host.id))
        let info = try await ask("$SRV.INFO.auth")
        #expect(info["type"] == "io.nats.micro.v1.info_response" && info["description"] == "Accounts")
        guard case .array(let endpoints)? = info["endpoints"] else { return #expect(Bool(false), "no endpoints") }
        #expect(endpoints.count == 4)
        #expect(endpoints.first == .object(JSONObject([
            .init(key: "name", value: "auth.register"), .init(key: "subject", value: "auth.register"),
            .init(key: "queue_group", value: "auth"), .init(key: "metadata", value: .null),
        ])))
        let stats = try await ask("$SRV.STATS.auth.\(host.id)")
        #expect(stats["type"] == "io.nats.micro.v1.stats_response")
        guard case .string(let started)? = stats["started"] else { return #expect(Bool(false)) }
        #expect(DateTime(rfc3339: started) != nil)
        guard case .array(let counted)? = stats["endpoints"], case .object(let register)? = counted.first else { return #expect(Bool(false)) }
        #expect(register["num_requests"] == 1 && register["num_errors"] == 0 && register["last_error"] == "")
        guard case .int(let nanoseconds)? = register["processing_time"] else { return #expect(Bool(false)) }
        #expect(nanoseconds > 0 && register["average_processing_time"] == .int(nanoseconds))
        await #expect(throws: NATSClientError.self) { _ = try await client.request("$SRV.PING.other", payload: ByteBuffer(), timeout: .seconds(1)) }

        // What standard NATS tooling sees, asked by an independent client (nats-py).
        let (status, output) = try await runProcess([
            ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", repository.appendingPathComponent("scripts/micro-discovery-check.py").path,
            server.url, "auth",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains(#""auth.register": 1"#), "\(output)")

        try await running.stop()
        await client.close()
        await host.nats.close()
    }

    @Test func anOpenBreakerFailsFastWithoutCallingTheHandler() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        var policy = CircuitBreakerPolicy()
        policy.minimumCalls = 2
        policy.openDuration = .seconds(60)
        var options = ServiceHostOptions()
        options.breaker = CircuitBreaker(name: "auth-store", policy: policy)
        let handler = MemoryAuth(replica: "a")
        let host = ServiceHost(name: "auth", nats: try await connect(server), options: options)
        Auth.serve(handler, with: host)
        let running = RunningHosts([host])
        let client = try await connect(server)
        try await ServiceHostTests.waitUntilServing(client)

        let crash = Auth.RegisterRequest(email: "crash@example.com", password: "correct horse", role: .user)
        for _ in 0..<2 {
            let (_, reply) = try await ServiceHostTests.send(crash, on: "auth.register", via: client)
            #expect(ErrorReply(json: try JSONValue(parsing: reply.payload.readableBytesView))?.status == 500)
        }
        let (_, rejected) = try await ServiceHostTests.send(
            Auth.RegisterRequest(email: "fine@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
        let error = try #require(ErrorReply(json: try JSONValue(parsing: rejected.payload.readableBytesView)))
        #expect(error.status == 503 && error.code == "unavailable")
        #expect(handler.served.withLock { $0.count } == 2, "the open breaker kept the request from the handler")
        #expect(options.breaker?.currentState == .open)

        try await running.stop()
        await client.close()
        await host.nats.close()
    }

    @Test func gracefulShutdownAnswersEveryRequestItTook() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let handler = MemoryAuth(replica: "a", delay: .milliseconds(300))
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(handler, with: host)
        let running = RunningHosts([host])
        let client = try await connect(server)
        try await ServiceHostTests.waitUntilServing(client)

        let replies = Task {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let (_, reply) = try await ServiceHostTests.send(
                            Auth.RegisterRequest(email: "u\(index)@example.com", password: "correct horse", role: .user), on: "auth.register",
                            via: client)
                        return (try? Envelope<Auth.UserProfile>(validatingJSON: reply.payload.readableBytesView)) != nil
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
        }
        // Every request is in a handler: now stop.
        for _ in 0..<200 where handler.served.withLock({ $0.count }) < 20 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(handler.served.withLock { $0.count } == 20)
        try await running.stop()
        #expect(try await replies.value == 20, "no request taken was dropped")
        await #expect(throws: NATSClientError.self, "no longer serving") {
            _ = try await client.request("auth.register", payload: ByteBuffer(), timeout: .seconds(1))
        }
        await client.close()
        await host.nats.close()
    }

    /// Registers accounts once the gate opens, counting the handlers running at once.
    final class GatedAuth: Auth.Handler {
        let state = Mutex((entered: 0, running: 0, most: 0, open: false))

        func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
            state.withLock {
                $0.entered += 1
                $0.running += 1
                $0.most = max($0.most, $0.running)
            }
            while !state.withLock({ $0.open }) { try await Task.sleep(for: .milliseconds(5)) }
            state.withLock { $0.running -= 1 }
            return Auth.UserProfile(id: UUID.random(), email: request.email, role: request.role, createdAt: .now)
        }

        func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
        func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
        func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
    }

    @Test func anEndpointRunsAtMostItsBoundOfHandlersAndTheRestWait() async throws {
        var options = ServiceHostOptions()
        options.maxInFlightPerEndpoint = 3
        let handler = GatedAuth()
        let hosted = try await ServingAuth(handler, options: options)

        let replies = Task { try await ServiceHostEventLoopTests.register(10, via: hosted.client) }
        for _ in 0..<200 where handler.state.withLock({ $0.entered }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(300))  // room for a fourth, if the bound let one in
        #expect(handler.state.withLock { $0.entered } == 3, "the other seven wait in the subscription")
        handler.state.withLock { $0.open = true }
        #expect(try await replies.value == (0..<10).map { "u\($0)@example.com" }, "then every one is answered")
        #expect(handler.state.withLock { $0.most } == 3)
        try await hosted.stop()
    }

    @Test func handlersPastTheShutdownGracePeriodAreCancelledAndAnswered() async throws {
        var options = ServiceHostOptions()
        options.shutdownGracePeriod = .milliseconds(300)
        // Handlers that would run for an hour: only the grace period ends them.
        let handler = ServiceHostEventLoopTests.PausingAuth(pause: .seconds(3600))
        let hosted = try await ServingAuth(handler, options: options)
        let client = hosted.client

        let replies = Task {
            try await withThrowingTaskGroup(of: InboundMessage.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        try await ServiceHostTests.send(
                            Auth.RegisterRequest(email: "u\(index)@example.com", password: "correct horse", role: .user), on: "auth.register",
                            via: client
                        ).1
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        for _ in 0..<200 where handler.onEventLoop.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(handler.onEventLoop.withLock { $0.count } == 3, "all three are in their handlers")
        try await hosted.running.stop()  // returns: the grace period cancels the handlers
        let answered = try await replies.value
        #expect(answered.count == 3)
        for reply in answered {
            #expect(reply.headers?["Nats-Service-Error-Code"] == "503")
            let error = ErrorReply(json: try ServiceHostTests.json(reply))
            #expect(error?.status == 503 && error?.code == ErrorReply.unavailable, "\(String(describing: error))")
            #expect(error?.message == "the service is shutting down")
        }
        await hosted.close()
    }
}

extension ServiceHostLifecycleTests {
    @Test func publishedEventsReachConsumersOncePerQueueGroup() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        let seen = Mutex<[String]>([])
        var consumers: [ServiceHost] = []
        for replica in ["a", "b"] {
            let consumer = ServiceHost(name: "mailer", nats: try await connect(server))
            consumer.consume(Auth.Subjects.userRegistered) { profile, context in
                seen.withLock { $0.append("\(replica):\(profile.email):\(context.correlationId)") }
            }
            consumers.append(consumer)
        }
        let running = RunningHosts(consumers)
        try await ServiceHostTests.waitUntilServing(publisher.nats, subject: "$SRV.PING.mailer")
        try await Task.sleep(for: .milliseconds(100))  // both replicas subscribed
        let origin = HandlerContext.test()
        for index in 0..<10 {
            let profile = Auth.UserProfile(id: UUID(), email: "u\(index)@example.com", role: .user, createdAt: .now)
            try await publisher.publish(Auth.Subjects.userRegistered, profile, causedBy: origin)
        }
        try await publisher.nats.flush()
        for _ in 0..<200 where seen.withLock({ $0.count }) < 10 { try await Task.sleep(for: .milliseconds(10)) }
        let events = seen.withLock { $0 }
        #expect(events.count == 10, "each event once in the queue group: \(events)")
        #expect(events.allSatisfy { $0.hasSuffix(":\(origin.correlationId)") }, "the correlation id travels with the event")
        try await running.stop()
        await publisher.nats.close()
        for consumer in consumers { await consumer.nats.close() }
    }
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
