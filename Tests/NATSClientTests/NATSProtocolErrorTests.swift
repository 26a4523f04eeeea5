import NATSClient
import NIOCore
import NIOPosix
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

    /// A header block the client cannot read (another client's, a name with non-ASCII letters),
    /// relayed by a real server: the message arrives without its headers, the connection is told,
    /// and nothing else is lost (nats.go does the same). It once reset the connection.
    @Test func aMalformedHeaderBlockCostsThatMessageItsHeadersNotTheConnection() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        var events = connection.events.makeAsyncIterator()
        let subscription = try await connection.subscribe("odd.headers")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()

        let block = "NATS/1.0\r\nGröße: 3\r\n\r\n", payload = "body"
        let publisher = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: server.port).get()
        let hpub = "HPUB odd.headers \(block.utf8.count) \(block.utf8.count + payload.utf8.count)\r\n\(block)\(payload)\r\n"
        try await publisher.writeAndFlush(ByteBuffer(string: #"CONNECT {"verbose":false,"headers":true}"# + "\r\n" + hpub)).get()

        let odd = await messages.next()
        #expect(odd.map { String(buffer: $0.payload) } == "body" && odd?.headers == nil)
        var reported: ConnectionEvent?
        while let event = await events.next() {
            if case .malformedHeaders = event { reported = event }
            if case .connected = event { continue }
            break
        }
        #expect(reported == .malformedHeaders(subject: "odd.headers", reason: "invalid header name 'Größe'"))
        try connection.publish("odd.headers", payload: ByteBuffer(string: "next"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "next")
        #expect(await connection.statistics().reconnects == 0, "the connection went on")
        try await publisher.close()
        await connection.close()
    }
}
