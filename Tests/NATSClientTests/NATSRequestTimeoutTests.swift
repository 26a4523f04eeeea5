import NATSClient
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Timeouts at the edges: one already spent (a deadline passed) and one too long for nanoseconds.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSRequestTimeoutTests {
    @Test func aTimeoutThatLeavesNoTimeFailsAtOnceAndSendsNothing() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let responder = try await server.connect()
        let received = Atomic(0)
        let echo = try await responder.subscribe("echo", onEventLoop: { message in
            received.add(1, ordering: .relaxed)
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: message.payload) }
        })
        try await responder.flush()
        let requester = try await server.connect()
        for timeout in [Duration.zero, .seconds(-1), .nanoseconds(Int64.min)] {
            let start = ContinuousClock.now
            do {
                _ = try await requester.request("echo", payload: ByteBuffer(string: "late"), timeout: timeout)
                Issue.record("a request with \(timeout) to wait got a reply")
            } catch let error as NATSClientError {
                #expect(error.code == .timeout)
                #expect(error.message.contains("echo"), "the error names the subject: \(error.message)")
            }
            #expect(ContinuousClock.now - start < .seconds(1), "failed at once")
        }
        try await requester.flush()
        try await responder.flush()
        #expect(received.load(ordering: .relaxed) == 0, "nothing went out for the requests without time")
        #expect(await requester.statistics().outMessages == 0)

        // Longer than Int64 nanoseconds can hold: waits (here for the reply) instead of trapping.
        for timeout in [Duration.seconds(Int64.max), .seconds(10_000_000_000)] {
            let reply = try await requester.request("echo", payload: ByteBuffer(string: "ok"), timeout: timeout)
            #expect(String(buffer: reply.payload) == "ok")
        }
        try await requester.flush(timeout: .seconds(Int64.max))
        #expect(received.load(ordering: .relaxed) == 2)
        echo.unsubscribe()
        await requester.close()
        await responder.close()
    }
}
