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
    /// relayed by a real server: the message arrives without its headers, the connection is told
    /// once per run of such messages (a well-formed one ends the run), and nothing else is lost
    /// (nats.go does the same). It once reset the connection.
    @Test func aMalformedHeaderBlockCostsThatMessageItsHeadersNotTheConnection() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        let subscription = try await connection.subscribe("odd.headers")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()

        let block = "NATS/1.0\r\nGröße: 3\r\n\r\n"
        func hpub(_ payload: String) -> String {
            "HPUB odd.headers \(block.utf8.count) \(block.utf8.count + payload.utf8.count)\r\n\(block)\(payload)\r\n"
        }
        let publisher = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: server.port).get()
        try await publisher.writeAndFlush(ByteBuffer(string: #"CONNECT {"verbose":false,"headers":true}"# + "\r\n" + hpub("one") + hpub("two"))).get()
        for expected in ["one", "two"] {
            let odd = await messages.next()
            #expect(odd.map { String(buffer: $0.payload) } == expected && odd?.headers == nil)
        }
        try connection.publish("odd.headers", payload: ByteBuffer(string: "fine"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "fine")
        try await publisher.writeAndFlush(ByteBuffer(string: hpub("three"))).get()
        #expect(await messages.next().map { String(buffer: $0.payload) } == "three")
        #expect(await connection.statistics().reconnects == 0, "the connection went on")
        try await publisher.close()

        await connection.close()
        var reported: [ConnectionEvent] = []
        for await event in connection.events {
            if case .malformedHeaders = event { reported.append(event) }
            if case .closed = event { break }
        }
        let said = ConnectionEvent.malformedHeaders(subject: "odd.headers", reason: "invalid header name 'Größe'")
        #expect(reported == [said, said], "once for one and two, once for three")
    }
}
