import Resilience

/// A failed Redis command or connection. An error reply keeps the server's message
/// (`code == .server`, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`).
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The server answered with an error reply; `message` is its text.
        public static let server = Code("server error")
        /// No connection could be made (refused, unreachable, connect timeout). Nothing was sent.
        public static let connectFailed = Code("connect failed")
        /// AUTH or SELECT was refused during the handshake.
        public static let handshakeFailed = Code("handshake failed")
        /// The connection closed with the command in flight: it may or may not have run.
        public static let connectionLost = Code("connection lost")
        /// No reply within the command timeout; the connection is closed (later replies could
        /// not be matched to their commands) and the next command redials.
        public static let timeout = Code("timeout")
        /// The client was closed.
        public static let closed = Code("closed")
        /// The bytes from the server are not RESP.
        public static let protocolError = Code("protocol error")
        /// A reply of a type the helper did not expect.
        public static let unexpectedReply = Code("unexpected reply")
        /// A bad URL or option.
        public static let invalidArgument = Code("invalid argument")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// For an error reply, its first word (`ERR`, `NOSCRIPT`, `WRONGTYPE`, `NOAUTH`…).
    public var serverErrorKind: String? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String { "redis \(code): \(message)" }
}

extension RedisError: DependencyErrorClassifying, RetryClassifying {
    /// An error reply is the caller's fault (a wrong type, a script error), not an outage, except
    /// the replies of a server that cannot serve now.
    public var isDependencyFailure: Bool {
        guard code == .server else { return code != .invalidArgument && code != .unexpectedReply && code != .closed }
        return ["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY"].contains(serverErrorKind ?? "")
    }

    /// Safe to try again: nothing was sent (`connectFailed`) or the server said so (`LOADING`,
    /// `BUSY`, `TRYAGAIN`). A lost connection or a timeout is not: the command may have run.
    public var isRetryable: Bool {
        switch code {
        case .connectFailed: true
        case .server: ["LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN"].contains(serverErrorKind ?? "")
        default: false
        }
    }
}
