import NATSClient
import NATSWire
import TestSupport
import Testing

/// Any number of readers of a connection's events: each gets every event from its start, in
/// order, and ends when the connection closes.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSEventStreamTests {
    /// Events until (and with) the first that `last` matches, or the end of the stream.
    func read(_ stream: AsyncStream<ConnectionEvent>, until last: @escaping @Sendable (ConnectionEvent) -> Bool) -> Task<[ConnectionEvent], Never> {
        Task {
            var seen: [ConnectionEvent] = []
            for await event in stream {
                seen.append(event)
                if last(event) { break }
            }
            return seen
        }
    }

    /// The task's result; a cancelled test (its time limit) cancels the task, whose stream then ends.
    func result<T: Sendable>(of task: Task<T, Never>) async -> T {
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
    }

    @Test func everyReaderGetsEveryEvent() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let client = try await server.connect { $0.reconnectDelay = .milliseconds(20) }
        let address = ServerAddress(host: "127.0.0.1", port: server.port)
        let isClosed: @Sendable (ConnectionEvent) -> Bool = { if case .closed = $0 { true } else { false } }
        let readers = (0..<3).map { _ in read(client.makeEventStream(), until: isClosed) }
        let primary = read(client.events, until: isClosed)
        let watcher = read(client.makeEventStream(), until: { if case .reconnected = $0 { true } else { false } })

        server.stop()
        try server.start()
        let watched = await result(of: watcher)
        #expect(watched == [.disconnected(address), .reconnected(address)], "\(watched)")
        await client.close()

        let expected: [ConnectionEvent] = [.disconnected(address), .reconnected(address), .closed(reason: nil)]
        for reader in readers {
            #expect(await result(of: reader) == expected)
        }
        #expect(await result(of: primary) == [.connected(address)] + expected, "`events` holds them since the connect")

        // Made once closed: ends at once.
        var late = client.makeEventStream().makeAsyncIterator()
        #expect(await late.next() == nil)
    }
}
