import NATSClient
import NATSWire
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

/// Subscriptions whose handler runs on the event loop (nats.go's `Subscribe(subject, callback)`),
/// against a real nats-server.
@Suite(.timeLimit(.minutes(1))) struct NATSHandlerSubscriptionTests {
    @Test func aHandlerAnswersRequestsInOrderAndEndsAfterItsCount() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let responder = try await server.connect()
        let seen = Mutex<[String]>([])
        let subscription = try await responder.subscribe("echo", queue: "q") { message in
            seen.withLock { $0.append(String(buffer: message.payload)) }
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
        }
        subscription.unsubscribe(after: 20)
        try await responder.flush()
        let requester = try await server.connect()
        for index in 0..<20 {
            let reply = try await requester.request("echo", payload: ByteBuffer(string: "m\(index)"), timeout: .seconds(5))
            #expect(String(buffer: reply.payload) == "m\(index)")
        }
        // The sequence of a handler subscription yields nothing and ends with the subscription.
        var yielded = 0
        for await _ in subscription { yielded += 1 }
        #expect(yielded == 0)
        #expect(seen.withLock { $0 } == (0..<20).map { "m\($0)" })
        await #expect(throws: NATSClientError.self) {
            _ = try await requester.request("echo", payload: ByteBuffer(string: "late"), timeout: .seconds(5))
        }
        let statistics = await responder.statistics()
        #expect(statistics.inMessages == 20 && statistics.outMessages == 20)
        await requester.close()
        await responder.close()
    }

    @Test func aHandlerSubscriptionIsRestoredAfterAReconnect() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        var options = server.options()
        options.maxReconnectAttempts = nil
        let responder = try await NATSConnection.connect(options)
        _ = try await responder.subscribe("svc") { message in
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: ByteBuffer(string: "ok")) }
        }
        try await responder.flush()
        let requester = try await NATSConnection.connect(options)
        #expect(String(buffer: try await requester.request("svc", timeout: .seconds(5)).payload) == "ok")
        server.stop()
        try server.start()
        for await event in responder.events {
            if case .reconnected = event { break }
        }
        try await responder.flush()  // the SUB sent again is at the server
        // The requester reconnects on its own too; it may still be on its way.
        var answer: InboundMessage?
        for _ in 0..<50 where answer == nil {
            answer = try? await requester.request("svc", timeout: .milliseconds(500))
            if answer == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answer.map { String(buffer: $0.payload) } == "ok")
        await requester.close()
        await responder.close()
    }
}

@Suite(.timeLimit(.minutes(1))) struct EventLoopTaskExecutorTests {
    @Test func aTaskThatPrefersTheConnectionsExecutorRunsOnItsEventLoop() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        _ = try await connection.subscribe("echo") { message in
            if let replyTo = message.replyTo { try? connection.publish(replyTo, payload: message.payload) }
        }
        try await connection.flush()
        let replies = try await withTaskExecutorPreference(connection.taskExecutor) {
            var replies: [String] = []
            for index in 0..<10 {
                let reply = try await connection.request("echo", payload: ByteBuffer(string: "\(index)"), timeout: .seconds(5))
                // Resumed on an event loop thread, not on Swift's pool.
                #expect(MultiThreadedEventLoopGroup.currentEventLoop != nil)
                replies.append(String(buffer: reply.payload))
            }
            return replies
        }
        #expect(replies == (0..<10).map(String.init))
        await connection.close()
    }
}
