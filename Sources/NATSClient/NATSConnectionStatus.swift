public import NATSWire

/// Where a connection is in its life, as a user sees it.
public enum NATSConnectionStatus: Sendable, Hashable {
    /// Connected to `server`, which described itself with `info` (its id, name, version,
    /// `max_payload`, JetStream…).
    case connected(server: ServerAddress, info: ServerInfo)
    /// A server was lost (or left): looking for the next; publishes wait in the reconnect buffer.
    case reconnecting
    /// Closed (or closing) for good: on request, or with no server left to try.
    case closed

    /// The server connected to, when connected.
    public var server: ServerAddress? {
        if case .connected(let server, _) = self { server } else { nil }
    }
}

extension ConnectionStateMachine {
    var status: NATSConnectionStatus {
        switch state {
        case .connected(let server, let info, _): .connected(server: server, info: info)
        case .closing, .closed: .closed
        // Before the first connection too: `connect` returns only once there is one, so no caller
        // sees those states.
        case .idle, .dialing, .handshaking, .leaving, .waitingToReconnect: .reconnecting
        }
    }
}

extension NATSConnection {
    /// The connection's status now (see ``NATSConnectionStatus``).
    public func status() async -> NATSConnectionStatus {
        (try? await eventLoop.submit { self.machine.status }.get()) ?? .closed
    }

    /// The round trip to the server: a PING answered by its PONG, after what is queued before it.
    /// - Throws: as `flush(timeout:)`.
    public func rtt(timeout: Duration = .seconds(10)) async throws -> Duration {
        let start = ContinuousClock.now
        try await flush(timeout: timeout)
        return ContinuousClock.now - start
    }
}
