import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// What goes through a real nats-server comes back whole: header multimaps with a status line.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSRoundTripTests {
    @Test func headersWithRepeatedNamesAndAStatusLineRoundTrip() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("headers.>")
        try await connection.flush()

        var headers = NATSHeaders(status: 409, description: "Conflict Detected")
        headers.add("Trace", "a")
        headers.add("X-Tags", "one")
        headers.add("X-Tags", "two, three")
        headers.add("X-Tags", "")
        headers.add("Idempotency-Key", "k-1")
        try connection.publish("headers.full", payload: ByteBuffer(string: "body"), headers: headers)
        // A block with a status only, and one with fields only.
        try connection.publish("headers.status", payload: ByteBuffer(), headers: NATSHeaders(status: 503))
        try connection.publish("headers.fields", payload: ByteBuffer(string: "x"), headers: ["Only": "field"])
        try await connection.flush()

        var messages = subscription.makeAsyncIterator()
        let full = try #require(await messages.next())
        #expect(full.headers == headers, "\(String(describing: full.headers))")
        #expect(full.headers?.values("X-Tags") == ["one", "two, three", ""], "every value, in order")
        #expect(full.headers?.status == 409 && full.headers?.statusDescription == "Conflict Detected")
        #expect(String(buffer: full.payload) == "body")
        let status = try #require(await messages.next())
        #expect(status.headers?.status == 503 && status.headers?.fields.isEmpty == true && status.payload.readableBytes == 0)
        let fields = try #require(await messages.next())
        #expect(fields.headers?.status == nil && fields.headers?["Only"] == "field")
        await connection.close()
    }
}

/// Payloads of up to 64 MiB: memory-heavy, so run on their own after the parallel suites (the
/// Makefile's SOLO_TESTS).
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSLargePayloadTests {
    /// The default max_payload (1 MiB) and a server's largest (64 MiB): every byte back, in order,
    /// by publish and by request.
    @Test func payloadsUpToMaxPayloadRoundTrip() async throws {
        let server = try NATSServer(configuration: "max_payload: 67108864\nmax_pending: 268435456\n")
        defer { server.stop() }
        let connection = try await server.connect()
        guard case .connected(_, let info) = await connection.status() else { Issue.record("not connected"); return }
        #expect(info.maxPayload == 67_108_864)
        let echo = try await connection.subscribe("big.echo", pendingLimits: .unlimited)
        Task {
            for await message in echo {
                if let replyTo = message.replyTo { try? connection.publish(replyTo, payload: message.payload) }
            }
        }
        let sink = try await connection.subscribe("big.sink", pendingLimits: .unlimited)
        try await connection.flush()
        var random = SeededGenerator(seed: 9)
        for size in [1_048_576, 67_108_864] {
            // Blocks of random bytes, each starting with its number: a block lost, repeated or
            // out of place shows.
            var block = ByteBuffer()
            for _ in 0..<(65_536 / 8 - 1) { block.writeInteger(random.next()) }
            var payload = ByteBuffer()
            payload.reserveCapacity(size)
            for index in 0..<(size / 65_536) {
                payload.writeInteger(UInt64(index))
                payload.writeImmutableBuffer(block)
            }
            #expect(payload.readableBytes == size)
            try connection.publish("big.sink", payload: payload)
            var iterator = sink.makeAsyncIterator()
            #expect(await iterator.next()?.payload == payload, "\(size) bytes published")
            let reply = try await connection.request("big.echo", payload: payload, timeout: .seconds(30))
            #expect(reply.payload == payload, "\(size) bytes requested and echoed")
        }
        await connection.close()
    }
}
