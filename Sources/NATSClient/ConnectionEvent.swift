import NATSWire

/// What the connection tells its users about itself.
public enum ConnectionEvent: Sendable, Hashable {
    case connected(ServerAddress)
    case disconnected(ServerAddress)
    case reconnected(ServerAddress)
    /// The server entered lame duck mode: the client moves to another server.
    case lameDuck(ServerAddress)
    /// A subscriber is too slow: messages past its pending limit were dropped.
    case slowConsumer(subject: String)
    /// A server error that does not end the connection (a permissions violation).
    case serverError(String)
    /// The connection is over: closed on request, or no server is left to try.
    case closed(reason: String?)
}
