import Synchronization

/// The readers of a connection's events besides `events`: each stream from ``make(bufferingNewest:)``
/// gets every event from its making on, in order, and ends when the connection closes.
final class EventListeners: Sendable {
    private struct State {
        var nextID: UInt64 = 0
        var streams: [UInt64: AsyncStream<ConnectionEvent>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    func make(bufferingNewest limit: Int) -> AsyncStream<ConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ConnectionEvent.self, bufferingPolicy: .bufferingNewest(max(1, limit)))
        let id: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            defer { state.nextID += 1 }
            state.streams[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()  // closed already: nothing will come
            return stream
        }
        // A reader that stops (its task cancelled, its stream dropped) is forgotten.
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.streams.removeValue(forKey: id) } }
        return stream
    }

    /// Called on the connection's event loop, one event at a time.
    func yield(_ event: ConnectionEvent) {
        let streams = state.withLock { $0.streams.isEmpty ? [] : Array($0.streams.values) }
        for stream in streams { stream.yield(event) }
    }

    func finish() {
        let streams = state.withLock { state in
            state.finished = true
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.finish() }
    }
}
