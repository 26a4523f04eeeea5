import NATSClient
import NATSWire

/// The events of a long-running command's connection (`sub`, `reply`): it tells the user on stderr
/// when the server is lost and when the client is back, as the `nats` tool does, and keeps why the
/// connection ended, for `checkEnd`. The one reader of the connection's events.
struct NATSConnectionWatch: Sendable {
    /// What the events said by the time they ended (the connection closed).
    struct End: Sendable {
        var lost: ServerAddress?
        var reason: String?
        var serverError: String?
    }

    private let reader: Task<End, Never>

    init(_ client: NATSConnection) {
        reader = Task {
            var end = End()
            for await event in client.events {
                switch event {
                case .disconnected(let server):
                    end.lost = server
                    Console.error("note: lost \(server), reconnecting")
                case .reconnected(let server):
                    Console.error("note: reconnected to \(server)")
                case .lameDuck(let server):
                    Console.error("note: \(server) is shutting down (lame duck mode)")
                case .slowConsumer(_, let subject):
                    Console.error("warning: messages on \(subject) are being dropped: this reader is too slow")
                case .serverError(let message):
                    end.serverError = message
                case .closed(let reason):
                    end.reason = reason
                case .connected, .permissionViolation, .malformedHeaders:
                    break
                }
            }
            return end
        }
    }

    /// Waits for the events to end (the connection has closed, or is closing).
    var end: End {
        get async { await reader.value }
    }
}
