import NATSClient
import NATSWire
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// A connection per event loop (`NATSConnectionGroup`), against a real nats-server.
@Suite(.timeLimit(.minutes(1))) struct NATSConnectionGroupTests {
    @Test func eachLoopSendsOnItsOwnConnection() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        let group = try await NATSConnectionGroup.connect(server.options(), eventLoopGroup: loops)
        #expect(group.connections.count == 3)
        #expect(group.isReady)
        let responder = try await server.connect()
        _ = try await responder.subscribe("who") { message in
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
        }
        try await responder.flush()

        // Run on each loop: `current` is the connection of that loop, and its requests work.
        var picked: [ObjectIdentifier] = []
        for (index, loop) in loops.makeIterator().enumerated() {
            let connection = try await loop.submit { group.current }.get()
            picked.append(ObjectIdentifier(connection))
            let reply = try await connection.request("who", payload: ByteBuffer(string: "loop \(index)"), timeout: .seconds(5))
            #expect(String(buffer: reply.payload) == "loop \(index)")
        }
        #expect(Set(picked).count == 3, "three loops, three connections")
        #expect(Set(picked) == Set(group.connections.map(ObjectIdentifier.init)))
        // Off the group's loops (this test's task), the first connection.
        #expect(group.current === group.connections[0])
        // Each sent its own request: the connections are separate clients with their own counts.
        for connection in group.connections { #expect(await connection.statistics().outMessages == 1) }

        await group.close()
        #expect(!group.isReady)
        await #expect(throws: NATSClientError.self) { _ = try await group.current.request("who", timeout: .seconds(1)) }
        await responder.close()
        try await loops.shutdownGracefully()
    }

    /// The connection of a loop stuck without a server (its server gone for good) is passed over
    /// for one that has a server; the group stays ready while one does.
    @Test func aLoopWhoseConnectionIsAwayUsesAnother() async throws {
        let (first, second) = (try NATSServer(), try NATSServer())
        defer { second.stop() }
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loopList = Array(loops.makeIterator())
        let (loop0, loop1) = (loopList[0], loopList[1])
        let group = NATSConnectionGroup([
            try await NATSConnection.connect(first.options { $0.maxReconnectAttempts = nil }, eventLoopGroup: loop0),
            try await NATSConnection.connect(second.options(), eventLoopGroup: loop1),
        ])
        let responder = try await second.connect()
        _ = try await responder.subscribe("who") { message in
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: ByteBuffer(string: "second")) }
        }
        try await responder.flush()
        #expect(try await loop0.submit { group.current }.get() === group.connections[0])

        first.stop()
        while !group.connections[0].isAway() { try await Task.sleep(for: .milliseconds(50)) }
        let picked = try await loop0.submit { group.current }.get()
        #expect(picked === group.connections[1], "loop 0's own connection is away")
        let reply = try await picked.request("who", payload: ByteBuffer(), timeout: .seconds(5))
        #expect(String(buffer: reply.payload) == "second")
        #expect(group.isReady, "one connection has a server")
        await group.connections[1].close()
        #expect(!group.isReady)
        #expect(try await loop0.submit { group.current }.get() === group.connections[0], "none has a server: its own")
        await group.close()
        await responder.close()
        try await loops.shutdownGracefully()
    }

    @Test func aGroupThatCannotConnectThrows() async throws {
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(try NATSServer.freePort())"])
        options.connectTimeout = .milliseconds(500)
        options.maxReconnectAttempts = 0
        await #expect(throws: NATSClientError.self) { _ = try await NATSConnectionGroup.connect(options) }
    }
}
