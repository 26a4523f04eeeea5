import NATSWire

/// What the connection tells its users about itself.
public enum ConnectionEvent: Sendable, Hashable {
    case connected(ServerAddress)
    case disconnected(ServerAddress)
    case reconnected(ServerAddress)
    /// The server entered lame duck mode: the client moves to another server.
    case lameDuck(ServerAddress)
    /// A subscriber is too slow: messages past its pending limits are being dropped. Raised once
    /// per episode (at the first drop after a message that fitted), as nats.go does.
    case slowConsumer(sid: UInt64, subject: String)
    /// The server refused a publish or subscription. A refused subscription's sequence ends
    /// (its `error` says why); a request whose publish was refused fails with the same error.
    case permissionViolation(PermissionViolation)
    /// A message on `subject` came with a header block that could not be read: it is delivered
    /// without headers (as nats.go does, with its `ErrBadHeaderMsg`), and the connection goes on.
    /// Raised once per run of such messages on a subscription (the next well-formed one ends it),
    /// as `slowConsumer` is, so that a publisher sending nothing else cannot flood the events.
    case malformedHeaders(subject: String, reason: String)
    /// An error the server reported, or a stale connection.
    case serverError(String)
    /// The connection is over: closed on request, or no server is left to try.
    case closed(reason: String?)
}
