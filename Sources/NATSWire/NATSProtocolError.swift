/// A violation of the NATS protocol by the peer, or an operation that cannot be written.
public struct NATSProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error kinds.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A line that is not a known operation, or has the wrong arguments.
        public static let invalidOperation = Code("invalid operation")
        /// A control line longer than the limit without its CRLF.
        public static let controlLineTooLong = Code("control line too long")
        /// A payload larger than the limit, or not followed by CRLF.
        public static let invalidPayload = Code("invalid payload")
        public static let invalidHeaders = Code("invalid headers")
        /// An INFO whose JSON could not be read.
        public static let invalidInfo = Code("invalid INFO")
        /// A subject, queue or header that cannot be written (spaces, CR, LF, empty).
        public static let invalidArgument = Code("invalid argument")
        /// A message larger than the server's `max_payload`.
        public static let payloadTooLarge = Code("payload too large")
        /// Bytes after the INFO that starts TLS, before the handshake: the server sends none.
        public static let plaintextBeforeTLS = Code("plaintext before TLS")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
