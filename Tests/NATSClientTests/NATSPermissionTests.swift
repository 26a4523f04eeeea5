import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Permission violations against a real nats-server with per-user permissions: they end the
/// refused subscription, fail the refused request at once, and are told as typed events.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSPermissionTests {
    static let configuration = """
        authorization {
          users = [
            {user: limited, password: pw, permissions: {publish: {deny: ["denied.>"]}, subscribe: {deny: ["secret.>"]}}}
            {user: noinbox, password: pw, permissions: {subscribe: {deny: ["_INBOX.>"]}}}
            {user: free, password: pw}
          ]
        }
        """

    func connect(_ server: NATSServer, as user: String) async throws -> NATSConnection {
        try await server.connect {
            $0.user = user
            $0.password = "pw"
        }
    }

    /// The events of `connection` until one matches `predicate` (bounded by the suite's limit).
    func waitFor(_ connection: NATSConnection, _ predicate: (ConnectionEvent) -> Bool) async -> [ConnectionEvent] {
        var events: [ConnectionEvent] = []
        for await event in connection.events {
            events.append(event)
            if predicate(event) { break }
        }
        return events
    }

    @Test func aRefusedSubscriptionEndsWithTheErrorAndOthersGoOn() async throws {
        let server = try NATSServer(configuration: Self.configuration)
        defer { server.stop() }
        let connection = try await connect(server, as: "limited")
        let open = try await connection.subscribe("open.x")
        let refused = try await connection.subscribe("secret.x")
        let refusedInQueue = try await connection.subscribe("secret.y", queue: "workers")

        var received = 0
        for await _ in refused { received += 1 }
        for await _ in refusedInQueue { received += 1 }
        #expect(received == 0)
        #expect(refused.error == NATSClientError(.permissionViolation, "permission denied to subscribe to 'secret.x'"))
        #expect(refusedInQueue.error?.message == "permission denied to subscribe to 'secret.y' in queue group 'workers'")
        let events = await waitFor(connection) {
            $0 == .permissionViolation(.init(.subscribe, subject: "secret.y", queue: "workers"))
        }
        #expect(events.contains(.permissionViolation(.init(.subscribe, subject: "secret.x"))))

        // The connection and its other subscription are unharmed.
        try connection.publish("open.x", payload: ByteBuffer(string: "still here"))
        var iterator = open.makeAsyncIterator()
        #expect(await iterator.next().map { String(buffer: $0.payload) } == "still here")
        #expect(open.error == nil)
        #expect(await connection.statistics().subscriptions.map(\.subject) == ["open.x"], "refused ones are gone")
        await connection.close()
    }

    @Test func aRequestWhosePublishIsRefusedFailsAtOnce() async throws {
        let server = try NATSServer(configuration: Self.configuration)
        defer { server.stop() }
        let connection = try await connect(server, as: "limited")
        // A responder that would answer, were the request allowed through.
        let responder = try await connect(server, as: "free")
        let serving = try await responder.subscribe("denied.service")
        Task {
            for await message in serving {
                if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
            }
        }
        try await responder.flush()

        let start = ContinuousClock.now
        do {
            _ = try await connection.request("denied.service", payload: ByteBuffer(string: "x"), timeout: .seconds(20))
            Issue.record("a refused request got a reply")
        } catch let error as NATSClientError {
            #expect(error == NATSClientError(.permissionViolation, "permission denied to publish to 'denied.service'"))
        }
        #expect(ContinuousClock.now - start < .seconds(10), "not after the timeout")

        // A plain publish that is refused is told as an event; the connection goes on.
        try connection.publish("denied.other", payload: ByteBuffer(string: "y"))
        let events = await waitFor(connection) { $0 == .permissionViolation(.init(.publish, subject: "denied.other")) }
        #expect(events.contains(.permissionViolation(.init(.publish, subject: "denied.service"))))
        #expect(!events.contains { if case .disconnected = $0 { true } else { false } })
        let echo = try await responder.subscribe("allowed.echo")
        Task {
            for await message in echo {
                if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
            }
        }
        try await responder.flush()
        let reply = try await connection.request("allowed.echo", payload: ByteBuffer(string: "ok"), timeout: .seconds(10))
        #expect(String(buffer: reply.payload) == "ok")
        await connection.close()
        await responder.close()
    }

    @Test func aRefusedInboxFailsRequestsAtOnce() async throws {
        let server = try NATSServer(configuration: Self.configuration)
        defer { server.stop() }
        let connection = try await connect(server, as: "noinbox")
        let responder = try await connect(server, as: "free")
        let serving = try await responder.subscribe("service")
        Task {
            for await message in serving {
                if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
            }
        }
        try await responder.flush()
        let start = ContinuousClock.now
        // Each request tries the inbox again, and each is refused at once.
        for _ in 0..<2 {
            do {
                _ = try await connection.request("service", payload: ByteBuffer(string: "x"), timeout: .seconds(20))
                Issue.record("a reply came through a refused inbox")
            } catch let error as NATSClientError {
                #expect(error.code == .permissionViolation && error.message.contains("_INBOX."), "\(error)")
            }
        }
        #expect(ContinuousClock.now - start < .seconds(10), "not after the timeout")
        await connection.close()
        await responder.close()
    }
}
