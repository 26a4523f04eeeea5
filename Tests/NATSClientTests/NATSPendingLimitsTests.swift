import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Per-subscription pending limits (messages and bytes) against a real nats-server: past them
/// messages are dropped, counted, and one slow-consumer event is raised per episode.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSPendingLimitsTests {
    /// The slow-consumer events of a connection, once it is closed (its event stream then ends).
    func slowConsumerEvents(of connection: NATSConnection) async -> [UInt64] {
        await connection.close()
        var sids: [UInt64] = []
        for await event in connection.events {
            if case .slowConsumer(let sid, _) = event { sids.append(sid) }
        }
        return sids
    }

    @Test func slowConsumersDropAndSaySoOnce() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.pendingMessagesLimit = 10 }
        let subscription = try await connection.subscribe("fast")
        try await connection.flush()
        for index in 0..<100 { try connection.publish("fast", payload: ByteBuffer(string: "\(index)")) }
        // The server sends our own messages before the PONG of this flush: all were handled.
        try await connection.flush()
        let statistics = await connection.statistics()
        #expect(statistics.droppedMessages == 90, "10 kept for the slow reader, the rest dropped")
        #expect(statistics.subscriptions.map(\.pendingMessages) == [10])
        #expect(statistics.subscriptions.map(\.droppedMessages) == [90])
        #expect(statistics.subscriptions.map(\.deliveredMessages) == [100])
        var kept: [String] = []
        subscription.unsubscribe()
        for await message in subscription { kept.append(String(buffer: message.payload)) }
        #expect(kept == (0..<10).map(String.init))
        #expect(await slowConsumerEvents(of: connection) == [subscription.sid], "one event for 90 drops in a row")
    }

    @Test func byteLimitsAreKeptPerSubscriptionAndFreedAsTheReaderReads() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let limited = try await connection.subscribe("sized", pendingLimits: .init(messages: 0, bytes: 1_000))
        let roomy = try await connection.subscribe("sized")
        try await connection.flush()
        let payload = ByteBuffer(repeating: 0x61, count: 100)
        for _ in 0..<20 { try connection.publish("sized", payload: payload) }
        try await connection.flush()

        var statistics = await connection.statistics()
        let first = statistics.subscriptions.map { [$0.pendingMessages, $0.pendingBytes, $0.droppedMessages] }
        #expect(first == [[10, 1_000, 10], [20, 2_000, 0]], "only the limited one drops")
        #expect(statistics.subscriptions.map(\.pendingLimits) == [.init(messages: 0, bytes: 1_000), .init(messages: 512 * 1024, bytes: 64 << 20)])
        #expect(limited.pending == (10, 1_000) && limited.droppedMessages == 10)

        // Reading five frees 500 bytes: five of the next ten fit, and a second episode begins.
        var iterator = limited.makeAsyncIterator()
        for _ in 0..<5 { _ = await iterator.next() }
        #expect(limited.pending == (5, 500))
        for _ in 0..<10 { try connection.publish("sized", payload: payload) }
        try await connection.flush()
        #expect(limited.pending == (10, 1_000) && limited.droppedMessages == 15)

        // Raised limits apply to the next message.
        limited.pendingLimits.bytes = 1_100
        try connection.publish("sized", payload: payload)
        try await connection.flush()
        #expect(limited.pending == (11, 1_100) && limited.droppedMessages == 15)
        statistics = await connection.statistics()
        #expect(statistics.droppedMessages == 15 && statistics.subscriptions.last?.pendingMessages == 31)
        #expect(await slowConsumerEvents(of: connection) == [limited.sid, limited.sid], "one event per episode")
        _ = roomy
    }

    @Test func aReaderThatKeepsUpNeverDrops() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("steady", pendingLimits: .init(messages: 100, bytes: 10_000))
        try await connection.flush()
        let reader = Task {
            var count = 0
            for await _ in subscription {
                count += 1
                if count == 5_000 { break }
            }
            return count
        }
        // In rounds smaller than the limits, each one read before the next is sent.
        for round in 0..<100 {
            for _ in 0..<50 { try connection.publish("steady", payload: ByteBuffer(repeating: 1, count: 100)) }
            try await connection.flush()
            for _ in 0..<1_000 where subscription.pending.messages > 0 { try await Task.sleep(for: .milliseconds(1)) }
            _ = round
        }
        #expect(await reader.value == 5_000)
        #expect(subscription.droppedMessages == 0)
        #expect(await slowConsumerEvents(of: connection).isEmpty)
    }
}
