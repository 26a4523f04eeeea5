import NATSClient
import NIOCore
import TestSupport
import Testing

/// Bytes that break the protocol, arriving between a real server's operations (through a relay
/// that injects them), and a server that stops answering: the client drops that connection and
/// reconnects, as to a restart.
@Suite(.timeLimit(.minutes(1))) struct NATSProtocolErrorTests {
    @Test func garbageFromTheServerSideMeansReconnectAndResubscribe() async throws {
        let server = try NATSServer()
        let proxy = try await TCPProxy(to: server.port)
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(proxy.port)"])
        options.maxReconnectAttempts = nil
        let connection = try await NATSConnection.connect(options)
        let subscription = try await connection.subscribe("after.garbage")
        var messages = subscription.makeAsyncIterator()
        try connection.publish("after.garbage", payload: ByteBuffer(string: "before"))
        try await connection.flush()
        #expect(await messages.next().map { String(buffer: $0.payload) } == "before")

        proxy.inject("MSG after.garbage 1 not-a-size\r\n")
        var events: [ConnectionEvent] = []
        for await event in connection.events {
            events.append(event)
            if case .reconnected = event { break }
        }
        #expect(events.contains { if case .disconnected = $0 { true } else { false } })
        #expect(proxy.accepted == 2)

        // The subscription was made again on the new connection; the garbage delivered nothing.
        try connection.publish("after.garbage", payload: ByteBuffer(string: "after"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "after")
        #expect(await connection.statistics().reconnects == 1)
        await connection.close()
        await proxy.close()
        server.stop()
    }

    /// A server that stops answering (frozen, as a hung host would be) is found stale by the
    /// client's pings, left, and reconnected to once it answers again.
    @Test func aServerThatStopsAnsweringPingsIsLeftAndRejoined() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect {
            $0.pingInterval = .milliseconds(400)
            $0.maxPingsOutstanding = 2
            $0.maxReconnectAttempts = nil
            $0.connectTimeout = .seconds(1)
        }
        let subscription = try await connection.subscribe("after.stale")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()

        server.pause()
        var seen: [ConnectionEvent] = []
        while let event = await events.next() {
            seen.append(event)
            if case .disconnected = event { break }
        }
        #expect(seen.contains(.serverError("stale connection: 2 pings without a PONG")), "\(seen)")

        server.resume()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        try connection.publish("after.stale", payload: ByteBuffer(string: "back"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "back")
        #expect(await connection.statistics().reconnects == 1)
        await connection.close()
    }
}
