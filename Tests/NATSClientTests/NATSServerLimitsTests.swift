import Foundation
import NATSClient
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Limits a real nats-server sets for one user or connection, and how the client lives with
/// them: a `max_payload` of the user's own (sent in a second INFO during the handshake) and a
/// maximum number of subscriptions (a refused SUB, the connection kept).
@Suite(.timeLimit(.minutes(1))) struct NATSServerLimitsTests {
    /// A user whose JWT sets a smaller payload limit than the server's: the server says so in an
    /// INFO of its own once the user is known. The client holds its publishes to that limit.
    @Test func aUsersOwnPayloadLimitComesInASecondINFO() async throws {
        let fixture = OperatorFixture()
        let server = try NATSServer(configuration: fixture.serverConfiguration)
        defer { server.stop() }
        let creds = try OperatorFixture.file(holding: fixture.credentials(payload: 1024))
        defer { try? FileManager.default.removeItem(at: creds) }

        let connection = try await withTimeout(.seconds(10)) {
            try await server.connect {
                $0.credentialsFile = creds.path
                $0.maxReconnectAttempts = 0
            }
        }
        let subscription = try await connection.subscribe("limited")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()
        try connection.publish("limited", payload: ByteBuffer(repeating: 0x61, count: 1024))
        #expect(await messages.next()?.payload.readableBytes == 1024)
        #expect(throws: NATSClientError.self, "refused before sending: the user's limit, not the server's 1 MiB") {
            try connection.publish("limited", payload: ByteBuffer(repeating: 0x61, count: 1025))
        }
        #expect(await connection.statistics().reconnects == 0)
        await connection.close()
    }

    /// A server may send that INFO before the PONG that ends the handshake (so may one whose
    /// cluster changed meanwhile): the client takes it, connects, and keeps the newer limit.
    /// (It once took a second INFO there for a broken stream, and redialled the server forever.)
    @Test func anINFOBeforeTheHandshakesPONGIsTakenNotABrokenStream() async throws {
        let info = #"INFO {"server_id":"scripted","version":"2.10.0","proto":1,"max_payload":"#
        let server = try await ScriptedServer(sends: info + "1048576}\r\n", replies: info + "512}\r\nPONG\r\n")
        defer { Task { await server.close() } }
        let options = {
            var options = NATSOptions(servers: ["nats://127.0.0.1:\(server.port)"])
            options.maxReconnectAttempts = 0
            return options
        }()
        let connection = try await withTimeout(.seconds(10)) { try await NATSConnection.connect(options) }
        #expect(throws: NATSClientError.self, "the second INFO's limit") {
            try connection.publish("limited", payload: ByteBuffer(repeating: 0x61, count: 513))
        }
        try connection.publish("limited", payload: ByteBuffer(repeating: 0x61, count: 512))
        await connection.close()
    }

    /// A SUB past the server's `max_subscriptions` is refused with `-ERR`, and the server keeps
    /// the connection: so does the client (leaving would only send the same SUBs to the next one).
    @Test func aSubscriptionPastTheLimitIsReportedAndTheConnectionStays() async throws {
        let server = try NATSServer(configuration: "max_subscriptions: 2")
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        var events = connection.events.makeAsyncIterator()
        let kept = try await connection.subscribe("kept.one")
        let alsoKept = try await connection.subscribe("kept.two")
        _ = try await connection.subscribe("one.too.many")
        try await connection.flush()

        var error: String?
        while let event = await events.next() {
            if case .serverError(let message) = event { error = message }
            if error != nil { break }
            if case .disconnected = event { break }
        }
        #expect(error?.lowercased() == "maximum subscriptions exceeded")
        try await connection.flush()
        #expect(await connection.status().server?.port == server.port)

        try connection.publish("kept.one", payload: ByteBuffer(string: "1"))
        try connection.publish("kept.two", payload: ByteBuffer(string: "2"))
        var first = kept.makeAsyncIterator(), second = alsoKept.makeAsyncIterator()
        #expect(await first.next().map { String(buffer: $0.payload) } == "1")
        #expect(await second.next().map { String(buffer: $0.payload) } == "2")
        #expect(await connection.statistics().reconnects == 0, "never left the server")
        await connection.close()
    }

    /// Runs `body`, failing after `limit` if it has not returned: a connect that never ends
    /// (it waits on no cancellable call) fails this test at once, not the whole run at its end.
    func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let resumed = Finished()
        return try await withCheckedThrowingContinuation { continuation in
            let resume: @Sendable (Result<T, any Error>) -> Void = { result in
                guard resumed.flag.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
                continuation.resume(with: result)
            }
            Task {
                do { resume(.success(try await body())) } catch { resume(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                resume(.failure(TimedOut(limit: limit)))
            }
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "not done within \(limit)" }
}
