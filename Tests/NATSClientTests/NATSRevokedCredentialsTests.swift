import Foundation
import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Credentials the server stops taking: a client that reconnects forever still gives up, once the
/// same server refused it twice in a row, and says why.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSRevokedCredentialsTests {
    /// A client (reconnecting without end, the default) on a server that takes `old-t0ken`; the
    /// server then restarts on the same address taking only `new-t0ken`, which `revoked` runs.
    func clientWhoseTokenIsRevoked(ignoreAuthErrorAbort: Bool = false) async throws -> (client: NATSConnection, revoked: NATSServer) {
        let before = try NATSServer(arguments: ["--auth", "old-t0ken"])
        let client = try await before.connect {
            $0.token = "old-t0ken"
            $0.ignoreAuthErrorAbort = ignoreAuthErrorAbort
            $0.reconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(50)
        }
        #expect(try await NATSAuthTests().roundTrip(client))
        before.stop()
        return (client, try NATSServer(port: before.port, arguments: ["--auth", "new-t0ken"]))
    }

    @Test func aServerThatRefusesTheClientTwiceInARowClosesIt() async throws {
        let (client, after) = try await clientWhoseTokenIsRevoked()
        defer { after.stop() }
        let port = after.port

        var seen: [ConnectionEvent] = []
        for await event in client.events {
            seen.append(event)
            if case .closed = event { break }
        }
        let address = ServerAddress(host: "127.0.0.1", port: port)
        #expect(seen.filter { $0 == .serverError("Authorization Violation") }.count == 2, "\(seen)")
        #expect(seen.last == .closed(reason: "\(address) refused the client twice in a row: Authorization Violation"), "\(seen)")
        #expect(!seen.contains { "\($0)".contains("t0ken") }, "no credential in the events")
        #expect(await client.status() == .closed)
        await #expect(throws: NATSClientError.self) { try await client.flush() }
    }

    /// `ignoreAuthErrorAbort`: refusals do not close the connection; once the credentials are
    /// good again (an operator restored them), the client is back.
    @Test func withIgnoreAuthErrorAbortTheClientWaitsForItsCredentialsToWorkAgain() async throws {
        let (client, revoked) = try await clientWhoseTokenIsRevoked(ignoreAuthErrorAbort: true)
        let port = revoked.port
        var events = client.events.makeAsyncIterator()
        var refusals = 0
        while refusals < 4, let event = await events.next() {
            if case .closed = event {
                Issue.record("closed: \(event)")
                break
            }
            if event == .serverError("Authorization Violation") { refusals += 1 }
        }
        #expect(refusals == 4, "refused again and again, not closed")
        revoked.stop()
        let restored = try NATSServer(port: port, arguments: ["--auth", "old-t0ken"])
        defer { restored.stop() }
        while let event = await events.next() {
            if case .reconnected = event { break }
            if case .closed = event {
                Issue.record("closed: \(event)")
                break
            }
        }
        #expect(try await NATSAuthTests().roundTrip(client))
        await client.close()
    }
}
