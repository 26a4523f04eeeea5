import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Options a NATS user reaches for, against a real nats-server: no echo, an inbox prefix of one's
/// own, and settings that cannot work refused before any server is tried.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSOptionsTests {
    @Test func withNoEchoAConnectionDoesNotHearItself() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let quiet = try await server.connect { $0.noEcho = true }
        let other = try await server.connect()
        let ownSubscription = try await quiet.subscribe("news")
        let otherSubscription = try await other.subscribe("news")
        try await quiet.flush()
        try await other.flush()

        try quiet.publish("news", payload: ByteBuffer(string: "from quiet"))
        try await quiet.flush()
        try other.publish("news", payload: ByteBuffer(string: "from other"))
        try await other.flush()

        var own = ownSubscription.makeAsyncIterator()
        #expect(await own.next().map { String(buffer: $0.payload) } == "from other", "its own message never came")
        var others = otherSubscription.makeAsyncIterator()
        #expect(await others.next().map { String(buffer: $0.payload) } == "from quiet", "others still hear it")
        #expect(await others.next().map { String(buffer: $0.payload) } == "from other")
        await quiet.close()
        await other.close()
    }

    /// A server too old to honour `echo: false` (protocol 0) is refused before CONNECT, not
    /// trusted to keep the connection's own messages away.
    @Test func noEchoRefusesAServerOfProtocolZero() async throws {
        let server = try await ScriptedServer(sends: #"INFO {"server_id":"OLD","version":"1.1.0","proto":0,"max_payload":1048576}"# + "\r\n")
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(server.port)"])
        options.noEcho = true
        do {
            try await NATSConnection.connect(options).close()
            Issue.record("connected to a server that ignores noEcho")
        } catch {
            #expect("\(error)".contains("noEcho needs a server of protocol 1 or later"), "\(error)")
        }
        #expect(server.firstBytes.isEmpty, "no CONNECT was sent")
        await server.close()
    }

    /// A user allowed replies only under `_INBOX_billing.>`: requests work with that prefix, and
    /// with the default one the inbox is refused.
    @Test func requestsUseTheInboxPrefix() async throws {
        let server = try NATSServer(configuration: NATSServer.inboxPrefixUsers)
        defer { server.stop() }
        let responder = try await server.connect {
            $0.user = "service"
            $0.password = "pw"
        }
        let serving = try await responder.subscribe("invoices") { message in
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: ByteBuffer(string: replyTo)) }
        }
        try await responder.flush()

        let billing = try await server.connect {
            $0.user = "billing"
            $0.password = "pw"
            $0.inboxPrefix = "_INBOX_billing"
        }
        let reply = try await billing.request("invoices", payload: ByteBuffer(string: "x"), timeout: .seconds(10))
        #expect(String(buffer: reply.payload).hasPrefix("_INBOX_billing."), "replied to \(String(buffer: reply.payload))")
        #expect(billing.newInbox().hasPrefix("_INBOX_billing."))

        let defaultPrefix = try await server.connect {
            $0.user = "billing"
            $0.password = "pw"
        }
        do {
            _ = try await defaultPrefix.request("invoices", payload: ByteBuffer(string: "x"), timeout: .seconds(10))
            Issue.record("a reply came through the refused default inbox")
        } catch let error as NATSClientError {
            #expect(error.code == .permissionViolation && error.message.contains("_INBOX."), "\(error)")
        }
        serving.unsubscribe()
        await billing.close()
        await defaultPrefix.close()
        await responder.close()
    }

    /// A service that starts before its broker: without `retryOnFailedConnect`, `connect` fails
    /// once the server was tried; with it, `connect` waits until the server comes up.
    @Test func retryOnFailedConnectWaitsForTheServerToComeUp() async throws {
        let port = try NATSServer.freePort()
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(port)"])
        options.reconnectDelay = .milliseconds(20)
        options.maxReconnectDelay = .milliseconds(50)
        await #expect(throws: NATSClientError.self) { try await NATSConnection.connect(options) }

        options.retryOnFailedConnect = true
        let connecting = Task { try await NATSConnection.connect(options) }
        try await Task.sleep(for: .milliseconds(300))
        let server = try NATSServer(port: port)
        defer { server.stop() }
        let connection = try await connecting.value
        #expect(try await NATSAuthTests().roundTrip(connection))
        await connection.close()
    }

    @Test func settingsThatCannotWorkAreRefusedBeforeConnecting() async throws {
        // No server listens on port 1: a refusal must come from the options, not from dialing.
        let url = "nats://127.0.0.1:1"
        func refusal(_ configure: (inout NATSOptions) -> Void) async -> NATSClientError? {
            var options = NATSOptions(servers: [url])
            configure(&options)
            do {
                _ = try await NATSConnection.connect(options)
                return nil
            } catch {
                return error as? NATSClientError
            }
        }
        for prefix in ["", "_INBOX.*", "a..b", "my inbox", "_INBOX.>", "tail."] {
            let error = await refusal { $0.inboxPrefix = prefix }
            #expect(error?.code == .invalidArgument && error?.message.contains("inboxPrefix") == true, "\(prefix): \(String(describing: error))")
        }
        let delays = await refusal {
            $0.reconnectDelay = .seconds(3)
            $0.maxReconnectDelay = .seconds(1)
        }
        #expect(delays?.code == .invalidArgument && delays?.message.contains("reconnectDelay") == true, "\(String(describing: delays))")
        for (delay, ceiling) in [(Duration.milliseconds(-1), Duration.seconds(2)), (.zero, .seconds(2)), (.seconds(1), .seconds(3601))] {
            let error = await refusal {
                $0.reconnectDelay = delay
                $0.maxReconnectDelay = ceiling
            }
            #expect(error?.code == .invalidArgument, "\(delay), \(ceiling): \(String(describing: error))")
        }
        let negativeClose = await refusal { $0.closeTimeout = .milliseconds(-1) }
        #expect(negativeClose?.code == .invalidArgument && negativeClose?.message.contains("closeTimeout") == true)
        let noServer = await refusal { $0.servers = [] }
        #expect(noServer?.code == .invalidServer, "\(String(describing: noServer))")
        // Valid settings get as far as dialing, which fails: nobody listens.
        let dialed = await refusal { $0.inboxPrefix = "_INBOX_mine.sub" }
        #expect(dialed != nil && dialed?.code != .invalidArgument, "\(String(describing: dialed))")
    }
}
