import NATSClient
import NIOCore
import TestSupport
import Testing

/// Bytes that break the protocol, arriving between a real server's operations (through a relay
/// that injects them): the client drops that connection and reconnects, as to a restart.
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
}
