import Foundation
import NATSClient
import NIOCore
import TestSupport
import Testing

/// Token, user/password, NKey and `.creds` (operator JWT) authentication against real servers.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSAuthTests {
    /// A message goes round the connection: it is really in.
    func roundTrip(_ connection: NATSConnection) async throws -> Bool {
        let subscription = try await connection.subscribe("auth.check")
        try await connection.flush()
        try connection.publish("auth.check", payload: ByteBuffer(string: "in"))
        var iterator = subscription.makeAsyncIterator()
        let message = await iterator.next()
        subscription.unsubscribe()
        return message.map { String(buffer: $0.payload) } == "in"
    }

    /// `connect` fails, says why, and shows none of `secrets`.
    func expectRefused(_ options: NATSOptions, saying reason: String, hiding secrets: [String] = []) async {
        do {
            let connection = try await NATSConnection.connect(options)
            await connection.close()
            Issue.record("connected although it should not have")
        } catch {
            let text = "\(error)"
            #expect(text.contains(reason), "\(text)")
            for secret in secrets { #expect(!text.contains(secret), "the error shows a secret: \(text)") }
        }
    }

    @Test func tokenAndUserPassword() async throws {
        let tokenServer = try NATSServer(arguments: ["--auth", "t0ken-s3cret"])
        defer { tokenServer.stop() }
        let withToken = try await tokenServer.connect { $0.token = "t0ken-s3cret" }
        #expect(try await roundTrip(withToken))
        await withToken.close()
        let tokenInURL = try await NATSConnection.connect(NATSOptions(servers: ["nats://t0ken-s3cret@127.0.0.1:\(tokenServer.port)"]))
        #expect(try await roundTrip(tokenInURL))
        await tokenInURL.close()
        await expectRefused(tokenServer.options { $0.token = "wrong-t0ken" }, saying: "Authorization Violation", hiding: ["wrong-t0ken"])

        let userServer = try NATSServer(arguments: ["--user", "alice", "--pass", "p4ss-w0rd"])
        defer { userServer.stop() }
        let withUser = try await userServer.connect {
            $0.user = "alice"
            $0.password = "p4ss-w0rd"
        }
        #expect(try await roundTrip(withUser))
        await withUser.close()
        var urlAndOptions = NATSOptions(servers: ["nats://alice:p4ss-w0rd@127.0.0.1:\(userServer.port)"])
        (urlAndOptions.user, urlAndOptions.password) = ("bob", "from-the-environment")  // NATS_USER, say
        let userInURL = try await NATSConnection.connect(urlAndOptions)
        #expect(try await roundTrip(userInURL), "the URL's credentials win, as in nats.go")
        await userInURL.close()
        await expectRefused(
            userServer.options {
                $0.user = "alice"
                $0.password = "not-her-pass"
            }, saying: "Authorization Violation", hiding: ["not-her-pass"])
        // A URL that does not parse (its port) still keeps its password out of the error and out
        // of the options' description.
        let broken = NATSOptions(servers: ["nats://alice:p4ss-w0rd@127.0.0.1:notaport"])
        await expectRefused(broken, saying: "'nats://<redacted>@127.0.0.1:notaport' is not a NATS URL", hiding: ["p4ss-w0rd"])
        #expect(!"\(broken)".contains("p4ss-w0rd") && "\(broken)".contains("<redacted>@127.0.0.1:notaport"), "\(broken)")
        #expect(ServerAddress.shown("nats://alice:p4ss-w0rd@127.0.0.1:4222") == "nats://127.0.0.1:4222")
        #expect(ServerAddress.shown("nats://alice:p@ss://w0rd@127.0.0.1:port") == "nats://<redacted>@127.0.0.1:port")
        #expect(ServerAddress.shown("alice:p4ss@host:port") == "<redacted>@host:port")
    }

    @Test func nkeySignsTheServersNonce() async throws {
        let user = NKeyPair(random: .user)
        let server = try NATSServer(configuration: "authorization { users = [ { nkey: \(user.publicKey) } ] }")
        defer { server.stop() }
        let connection = try await server.connect { $0.nkeySeed = user.seed }
        #expect(try await roundTrip(connection))
        await connection.close()

        let stranger = NKeyPair(random: .user)
        await expectRefused(server.options { $0.nkeySeed = stranger.seed }, saying: "Authorization Violation", hiding: [stranger.seed])
        await expectRefused(server.options { $0.nkeySeed = "SUAnotaseed" }, saying: "invalid credentials", hiding: ["SUAnotaseed"])
    }

    @Test func credsFileWithAUserJWT() async throws {
        let fixture = OperatorFixture()
        let server = try NATSServer(configuration: fixture.serverConfiguration)
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let good = folder.appendingPathComponent("service.creds")
        try fixture.credentials().write(to: good, atomically: true, encoding: .utf8)
        let connection = try await server.connect { $0.credentialsFile = good.path }
        #expect(try await roundTrip(connection))
        await connection.close()

        // A user signed by an account the operator never issued.
        let forged = folder.appendingPathComponent("forged.creds")
        let impostor = NKeyPair(random: .user)
        try fixture.credentials(for: impostor, signedBy: NKeyPair(random: .account)).write(to: forged, atomically: true, encoding: .utf8)
        await expectRefused(server.options { $0.credentialsFile = forged.path }, saying: "Authorization Violation", hiding: [impostor.seed])

        // Files that cannot be used fail before any server is asked.
        let garbage = folder.appendingPathComponent("garbage.creds")
        try "not a creds file".write(to: garbage, atomically: true, encoding: .utf8)
        await expectRefused(server.options { $0.credentialsFile = garbage.path }, saying: "garbage.creds does not hold a user JWT")
        await expectRefused(server.options { $0.credentialsFile = folder.appendingPathComponent("missing.creds").path }, saying: "cannot read")
    }

    /// Credentials rotated on disk: the server ends the connection when the old JWT expires, and
    /// the client, which reads the `.creds` file again at every connect, comes back with the new one
    /// (with the old one, refused twice, it would close).
    @Test func credsFileIsReadAgainAtEveryConnect() async throws {
        let fixture = OperatorFixture()
        let server = try NATSServer(configuration: fixture.serverConfiguration)
        defer { server.stop() }
        let file = try OperatorFixture.file(holding: fixture.credentials(expires: Date().addingTimeInterval(2)))
        defer { try? FileManager.default.removeItem(at: file) }
        let connection = try await server.connect {
            $0.credentialsFile = file.path
            $0.reconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(50)
        }
        #expect(try await roundTrip(connection))
        try fixture.credentials().write(to: file, atomically: true, encoding: .utf8)

        var seen: [ConnectionEvent] = []
        for await event in connection.events {
            seen.append(event)
            if case .reconnected = event { break }
            if case .closed = event { break }
        }
        #expect(seen.contains(.serverError("User Authentication Expired")), "\(seen)")
        #expect(seen.contains { if case .reconnected = $0 { true } else { false } }, "\(seen)")
        #expect(try await roundTrip(connection))
        await connection.close()
    }
}
