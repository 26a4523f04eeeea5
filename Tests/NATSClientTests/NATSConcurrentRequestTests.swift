import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Many requests in flight at once through the one inbox subscription.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSConcurrentRequestTests {
    @Test func aThousandConcurrentRequestsEachGetTheirOwnReply() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        // Two responders in a queue group, each answering with its name and the request's payload.
        var responders: [NATSConnection] = []
        for name in ["r1", "r2"] {
            let responder = try await server.connect()
            let subscription = try await responder.subscribe("work", queue: "responders")
            Task {
                for await message in subscription {
                    guard let replyTo = message.replyTo else { continue }
                    try? responder.publish(replyTo, payload: ByteBuffer(string: "\(name):\(String(buffer: message.payload))"))
                }
            }
            try await responder.flush()
            responders.append(responder)
        }
        let requester = try await server.connect()
        let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let reply = try await requester.request("work", payload: ByteBuffer(string: "\(index)"), timeout: .seconds(20))
                    return (index, String(buffer: reply.payload))
                }
            }
            var replies: [Int: String] = [:]
            for try await (index, reply) in group { replies[index] = reply }
            return replies
        }
        #expect(replies.count == 1_000)
        let mismatched = replies.filter { !$0.value.hasSuffix(":\($0.key)") }
        #expect(mismatched.isEmpty, "every reply answers its own request: \(mismatched.prefix(3))")
        let byResponder = Dictionary(grouping: replies.values) { $0.prefix(2) }.mapValues(\.count)
        #expect(byResponder.count == 2, "the queue group shares the work: \(byResponder)")
        await requester.close()
        for responder in responders { await responder.close() }
    }
}
