/// How to connect: servers, identity, credentials and timing.
public struct NATSOptions: Sendable {
    /// `nats://host:port` URLs (or `host:port`); `connect_urls` from INFO are added as they come
    /// (unless `ignoreDiscoveredServers`).
    public var servers: [String]
    /// The connection's name, shown by the server's monitoring.
    public var name: String?
    /// User and password, or a token; credentials in a server's URL win over these (and over
    /// `nkeySeed`) for that server, as in nats.go.
    public var user: String?
    public var password: String?
    public var token: String?
    /// An NKey seed (`SU…`): CONNECT carries its public key and the server's nonce signed with it.
    public var nkeySeed: String?
    /// A `.creds` file (a user JWT and its NKey seed), read again at every connect, so that a
    /// rotated file applies at the next reconnect.
    public var credentialsFile: String?
    /// TLS settings; nil: TLS only when a server requires it (or for `tls://` URLs).
    public var tls: NATSTLSOptions?
    public var pingInterval: Duration = .seconds(120)
    public var maxPingsOutstanding = 2
    public var connectTimeout: Duration = .seconds(5)
    /// Failed attempts in a row after which a server leaves the pool (the connection closes when
    /// none is left); 0: no reconnect at all, the first loss closes; nil, the default: forever, so that a broker down for however long never
    /// needs a service restart (as nats.swift; nats.go gives up after 60 attempts, about 2 minutes).
    public var maxReconnectAttempts: Int? = nil
    /// Keep reconnecting when a server refuses the client with the same authorization error twice
    /// in a row (nats.go's `IgnoreAuthErrorAbort`): for credentials that an operator may restore.
    /// By default that closes the connection, whatever `maxReconnectAttempts` says.
    public var ignoreAuthErrorAbort = false
    /// Retry unreachable servers at the first connect too (as reconnects do) instead of failing
    /// `connect` once each server was tried: for services that may start before their broker.
    public var retryOnFailedConnect = false
    /// Try servers in random order (the default, to spread load) or in the given order.
    public var randomizeServers = true
    /// Use only the servers given, not the `connect_urls` that servers announce in INFO (for
    /// servers that announce addresses this host cannot reach: a cluster behind NAT or in containers).
    public var ignoreDiscoveredServers = false
    /// After a server is lost the first reconnect goes at once; then each wait is random up to a
    /// ceiling (full jitter, so that a fleet of clients does not come back in one wave) that starts
    /// at `reconnectDelay` and doubles with each failed attempt, up to `maxReconnectDelay`. Unlike
    /// nats.go's `ReconnectWait`, a ceiling and not a minimum: a wait may be shorter. Both are
    /// positive, and the largest at most an hour.
    public var reconnectDelay: Duration = .milliseconds(100)
    public var maxReconnectDelay: Duration = .seconds(2)
    /// Messages this connection publishes are not delivered to its own subscriptions (CONNECT's
    /// `echo: false`); other connections still receive them. A connection that answers requests
    /// it makes itself then hears none of them.
    public var noEcho = false
    /// The first tokens of request reply subjects: `<inboxPrefix>.<nuid>.<id>`. For users whose
    /// permissions allow replies only under their own prefix (`_INBOX_billing`, say).
    public var inboxPrefix = "_INBOX"
    /// Messages a subscription holds for a slow reader by default; past it (or past
    /// `pendingBytesLimit`), new ones are dropped and a `slowConsumer` event is raised, as nats.go
    /// does. `subscribe(_:queue:pendingLimits:)` sets them per subscription; 0 means no limit.
    public var pendingMessagesLimit = 512 * 1024
    /// Payload bytes a subscription holds for a slow reader by default (nats.go's 64 MiB).
    public var pendingBytesLimit = 64 * 1024 * 1024
    /// Bytes queued for a socket that cannot keep up, past which `publish` waits (off the event loop).
    /// 2 MiB keeps a publisher at full speed on loopback (1,000,000 × 128 B, same rate as 32 MiB)
    /// with 20 MB less peak memory.
    public var maxPendingBytes = 2 * 1024 * 1024
    /// Publishes made while disconnected are kept up to this many bytes, then refused.
    public var reconnectBufferSize = 8 * 1024 * 1024
    /// How long `close()` lets the server take what was published before it (as nats.go's `Close`
    /// flushes its buffer) before closing the socket anyway: a server that reads nothing.
    public var closeTimeout: Duration = .seconds(5)

    public init(servers: [String] = ["nats://127.0.0.1:4222"], name: String? = nil) {
        self.servers = servers
        self.name = name
    }
}

extension NATSOptions {
    /// Settings that cannot work, told before any server is tried.
    func validate() throws(NATSClientError) {
        guard !servers.isEmpty else { throw NATSClientError(.invalidServer, "no server URL given") }
        let tokens = inboxPrefix.split(separator: ".", omittingEmptySubsequences: false)
        let validToken = { (token: Substring) in
            !token.isEmpty && token != "*" && token != ">" && !token.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F }
        }
        guard tokens.allSatisfy(validToken) else {
            throw NATSClientError(.invalidArgument, "inboxPrefix '\(inboxPrefix)' is not a subject without wildcards")
        }
        guard closeTimeout >= .zero else { throw NATSClientError(.invalidArgument, "closeTimeout (\(closeTimeout)) is negative") }
        guard reconnectDelay > .zero, maxReconnectDelay >= reconnectDelay, maxReconnectDelay <= .seconds(3600) else {
            throw NATSClientError(
                .invalidArgument,
                "reconnect delays must satisfy 0 < reconnectDelay (\(reconnectDelay)) <= maxReconnectDelay (\(maxReconnectDelay)) <= 1 hour")
        }
    }
}

/// Why a client operation failed.
public struct NATSClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidServer = Code("invalid server URL")
        public static let connectionClosed = Code("connection closed")
        public static let disconnected = Code("disconnected")
        public static let reconnectBufferFull = Code("reconnect buffer full")
        public static let invalidArgument = Code("invalid argument")
        /// No reply within the request's timeout.
        public static let timeout = Code("timeout")
        /// Nobody subscribes to the request's subject (status 503).
        public static let noResponders = Code("no responders")
        public static let cancelled = Code("cancelled")
        /// An NKey seed or `.creds` file that cannot be used.
        public static let invalidCredentials = Code("invalid credentials")
        /// TLS files that cannot be used, or TLS wanted where the server offers none.
        public static let invalidTLS = Code("TLS")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension NATSOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The settings without their secrets: passwords, tokens and seeds show as `<redacted>`, so
    /// options can be logged.
    public var description: String {
        let shownServers = servers.map(ServerAddress.shown)
        var parts = ["servers: \(shownServers)"]
        if let name { parts.append("name: \(name)") }
        if let user { parts.append("user: \(user)") }
        if password != nil { parts.append("password: <redacted>") }
        if token != nil { parts.append("token: <redacted>") }
        if nkeySeed != nil { parts.append("nkeySeed: <redacted>") }
        if let credentialsFile { parts.append("credentialsFile: \(credentialsFile)") }
        if let tls { parts.append("tls: ca \(tls.caFile ?? "system"), client certificate \(tls.certificateFile ?? "none")") }
        if inboxPrefix != "_INBOX" { parts.append("inboxPrefix: \(inboxPrefix)") }
        if noEcho { parts.append("noEcho") }
        if ignoreDiscoveredServers { parts.append("ignoreDiscoveredServers") }
        parts.append("reconnect delays: \(reconnectDelay)...\(maxReconnectDelay)")
        return "NATSOptions(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    /// What `dump` and debuggers show: the description, secrets redacted.
    public var customMirror: Mirror { Mirror(self, children: ["settings": description]) }
}
