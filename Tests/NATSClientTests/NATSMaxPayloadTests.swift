import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// The server's max_payload (from INFO) is enforced by the client before sending, as nats.go's
/// ErrMaxPayload: a clear error, nothing sent, the connection unharmed.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSMaxPayloadTests {
    @Test func aMessagePastMaxPayloadIsRefusedBeforeSending() async throws {
        let server = try NATSServer(configuration: "max_payload: 1024\n")
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("sized")
        try await connection.flush()

        #expect(throws: NATSClientError(.maxPayloadExceeded, "a message of 1025 bytes exceeds the server's max_payload of 1024 bytes")) {
            try connection.publish("sized", payload: ByteBuffer(repeating: 1, count: 1025))
        }
        // Headers count too: 1000 payload bytes and a header block past the remaining 24.
        var headers = NATSHeaders(status: nil)
        headers.add("Trace", String(repeating: "t", count: 40))
        #expect(throws: NATSClientError.self) {
            try connection.publish("sized", payload: ByteBuffer(repeating: 1, count: 1000), headers: headers)
        }
        await #expect(throws: NATSClientError.self) {
            _ = try await connection.request("sized", payload: ByteBuffer(repeating: 1, count: 2048), timeout: .seconds(1))
        }
        #expect(await connection.statistics().outMessages == 0, "nothing was sent")

        // Exactly max_payload still goes through, on the same connection.
        try connection.publish("sized", payload: ByteBuffer(repeating: 2, count: 1024))
        try await connection.flush()
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next()?.payload.readableBytes == 1024)
        let statistics = await connection.statistics()
        #expect(statistics.reconnects == 0 && statistics.outMessages == 1)
        await connection.close()
    }
}
