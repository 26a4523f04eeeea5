import NATSWire
import Resilience

/// Drives one logical NATS connection across reconnects (ADR-40). Pure: it holds no channel,
/// promise, task or clock; every event returns the actions to perform, and one executor in the
/// channel handler performs them. Randomness (server order, backoff jitter) comes from `Random`.
struct ConnectionStateMachine<Random: RandomNumberGenerator & Sendable>: Sendable {
    struct Configuration: Sendable {
        var pingInterval: Duration = .seconds(120)
        /// Pings without a PONG before the connection counts as stale.
        var maxPingsOutstanding = 2
        var connectTimeout: Duration = .seconds(5)
        var backoff = Backoff(base: .milliseconds(100), multiplier: 2, cap: .seconds(2))
        /// Before the first connection succeeds, retry failing servers as reconnects do; false
        /// (the default, as in nats.go) tries each server once, so a wrong URL or credential
        /// fails `connect` at once.
        var retryOnFailedConnect = false
        /// Keep the pool to the configured servers: INFO's `connect_urls` are not added.
        var ignoreDiscoveredServers = false
        /// Keep reconnecting after the same authorization error twice in a row from a server.
        var ignoreAuthErrorAbort = false

        init() {}

        init(_ options: NATSOptions) {
            pingInterval = options.pingInterval
            maxPingsOutstanding = options.maxPingsOutstanding
            connectTimeout = options.connectTimeout
            backoff = Backoff(base: options.reconnectDelay, multiplier: 2, cap: options.maxReconnectDelay)
            retryOnFailedConnect = options.retryOnFailedConnect
            ignoreDiscoveredServers = options.ignoreDiscoveredServers
            ignoreAuthErrorAbort = options.ignoreAuthErrorAbort
        }
    }

    enum TimerKind: Sendable, Hashable {
        case ping, reconnect, handshake
    }

    enum Action: Sendable, Hashable {
        /// Open a TCP (and TLS) connection to the server.
        case dial(ServerAddress)
        /// Upgrade to TLS if either side wants it, then write CONNECT (with the credentials the
        /// driver holds, signing INFO's nonce) and PING.
        case sendConnect(ServerInfo, ServerAddress)
        /// Write SUB for every live subscription and the publishes buffered while disconnected.
        case replaySubscriptions
        case write(ClientOp)
        /// Write a keep-alive PING. Its PONG completes no flush: PONGs answer PINGs in order,
        /// so it holds a place among the flushes waiting for theirs.
        case keepAlivePing
        /// Hand a message to its subscription.
        case deliver(InboundMessage)
        /// Hand a message whose header block could not be read to its subscription, without its
        /// headers, and say so once per run of such messages on that subscription.
        case deliverMalformed(InboundMessage, reason: String)
        /// The server refused a publish or subscription: end the subscriptions or fail the
        /// requests it concerns, and tell the user.
        case failDenied(PermissionViolation)
        /// A PONG arrived: complete the oldest pending flush.
        case pongReceived
        /// Fail the requests in flight whose PUB went out: their replies cannot arrive on this
        /// connection any more. (All of them when closed.)
        case failRequests
        case scheduleTimer(TimerKind, Duration)
        case cancelTimer(TimerKind)
        /// Close the channel now, dropping what it has not written (a server that is gone or broken).
        case closeChannel
        /// Let the channel write what it already took, then close it; what publishers queued since
        /// waits for the next server: leaving a server that works (lame duck mode), whose messages
        /// still get through.
        case leaveChannel
        /// Write what publishers queued, then close the channel: a close on request (as nats.go's
        /// `Close` flushes its buffer first), for up to the options' `closeTimeout`.
        case closeChannelAfterWrites
        case emit(ConnectionEvent)
    }

    enum State: Sendable {
        case idle
        case dialing(ServerAddress)
        /// Connected at TCP level, waiting for INFO, then for the PONG that confirms CONNECT.
        case handshaking(ServerAddress, info: ServerInfo?)
        case connected(ServerAddress, info: ServerInfo, pingsOutstanding: Int)
        /// The client closes the channel of a server it was connected to (stale, a fatal `-ERR`,
        /// lame duck): waiting for the channel to go, then `.disconnected` as for a dropped one.
        case leaving(ServerAddress)
        case waitingToReconnect
        /// Close requested, or a fatal error: waiting for the channel to go, then closed for `reason`.
        case closing(reason: String?)
        case closed
    }

    private(set) var state: State = .idle
    private(set) var pool: ServerPool
    private var random: Random
    private let configuration: Configuration
    private var attempt = 0
    private var hasConnected = false
    /// The authorization error each server (by endpoint) answered its last handshake with, since
    /// a server last took the client: the same one twice in a row from a server closes the
    /// connection, as in nats.go (credentials that were revoked or expired do not come back by
    /// retrying), unless `ignoreAuthErrorAbort`.
    private var authErrors: [String: String] = [:]

    init(pool: ServerPool, configuration: Configuration = Configuration(), random: Random) {
        self.pool = pool
        self.configuration = configuration
        self.random = random
    }

    // MARK: Events

    mutating func start() -> [Action] {
        guard case .idle = state else { return [] }
        return dialNext()
    }

    /// The socket is open; the server speaks first with INFO.
    mutating func channelActive() -> [Action] {
        guard case .dialing(let server) = state else { return [] }
        state = .handshaking(server, info: nil)
        return [.scheduleTimer(.handshake, configuration.connectTimeout)]
    }

    /// Dialing failed (refused, unreachable, TLS handshake error).
    mutating func dialFailed() -> [Action] {
        guard case .dialing(let server) = state else { return [] }
        serverFailed(server)
        return scheduleReconnect()
    }

    /// True while connected, and while leaving a server (what it sent before the client left is
    /// still delivered): a message received now is delivered (`received(.msg)` answers
    /// `[.deliver]`), which the connection checks first to spare the action array per message.
    var deliversMessages: Bool {
        switch state {
        case .connected, .leaving: true
        default: false
        }
    }

    mutating func received(_ op: ServerOp) -> [Action] {
        switch (state, op) {
        case (.handshaking(let server, nil), .info(let info)):
            state = .handshaking(server, info: info)
            return [.sendConnect(info, server)]
        case (.handshaking(let server, _?), .info(let info)):
            // An INFO before the PONG: the server's word for this user (its own `max_payload`
            // from a JWT, say) or a cluster that changed meanwhile. It replaces the first.
            state = .handshaking(server, info: info)
            return []
        case (.handshaking(let server, let info?), .pong):
            // Only a server that took the client announces others: one whose handshake fails
            // (TLS, authorization) would otherwise re-add the servers that used up their
            // attempts, and a client that can reach none of them would never give up.
            discovered(info, from: server)
            authErrors = [:]  // a server took the client: older refusals say nothing any more
            state = .connected(server, info: info, pingsOutstanding: 0)
            pool.connected(to: server)
            attempt = 0
            let event: ConnectionEvent = hasConnected ? .reconnected(server) : .connected(server)
            hasConnected = true
            return [.cancelTimer(.handshake), .replaySubscriptions, .scheduleTimer(.ping, configuration.pingInterval), .emit(event)]
        case (.handshaking(let server, _), .err(let message)):
            // Authorization and other handshake errors: this server will not have us now.
            if Self.isAuthorizationError(message) {
                let repeated = authErrors[server.endpoint] == message.lowercased()
                authErrors[server.endpoint] = message.lowercased()
                if repeated, !configuration.ignoreAuthErrorAbort {
                    state = .closing(reason: "\(server) refused the client twice in a row: \(message)")
                    return [.cancelTimer(.handshake), .emit(.serverError(message)), .closeChannel]
                }
            }
            serverFailed(server)
            state = .waitingToReconnect
            return [.cancelTimer(.handshake), .emit(.serverError(message)), .closeChannel]
        case (.handshaking, .ping), (.connected, .ping):
            return [.write(.pong)]
        case (.connected(let server, let info, _), .pong):
            state = .connected(server, info: info, pingsOutstanding: 0)
            return [.pongReceived]
        case (.connected, .msg(let message)), (.leaving, .msg(let message)):
            return [.deliver(message)]
        case (.connected, .malformedHeaders(let message, let reason)), (.leaving, .malformedHeaders(let message, let reason)):
            return [.deliverMalformed(message, reason: reason)]
        case (.connected(let server, _, let outstanding), .info(let info)):
            discovered(info, from: server)
            state = .connected(server, info: info, pingsOutstanding: outstanding)
            guard info.lameDuckMode else { return [] }
            // With no other server to go to, leaving would only be refused by this one (a server in
            // lame duck mode takes no new connections): stay until it closes the connection itself.
            guard pool.entries.contains(where: { $0.address.endpoint != server.endpoint }) else { return [.emit(.lameDuck(server))] }
            // What waits in the write buffer goes to the next server, not to this one: a request
            // written here now could not get its reply once the channel closes.
            state = .leaving(server)
            return [.emit(.lameDuck(server)), .leaveChannel]
        case (.connected(let server, _, _), .err(let message)):
            if let violation = PermissionViolation(serverMessage: message) { return [.failDenied(violation)] }
            if Self.concernsOneOperation(message) { return [.emit(.serverError(message))] }
            if Self.isAuthorizationError(message) { authErrors[server.endpoint] = message.lowercased() }
            guard Self.isAuthorizationError(message) || Self.endsOnlyThisConnection(message) else {
                // Anything else (a parser error, say) would happen again on the next server, as
                // nats.go judges it: closed, saying why.
                state = .closing(reason: "\(server) reported: \(message)")
                return [.cancelTimer(.ping), .emit(.serverError(message)), .closeChannel]
            }
            state = .leaving(server)
            return [.emit(.serverError(message)), .closeChannel]
        case (.leaving, .pong):
            return [.pongReceived]  // a flush the server answered before the channel went
        case (.connected, .ok), (.handshaking, .ok):
            return []
        case (.handshaking, _):
            // An operation out of place: the server or the stream is broken.
            state = .waitingToReconnect
            return [.closeChannel]
        case (.idle, _), (.dialing, _), (.leaving, _), (.waitingToReconnect, _), (.closing, _), (.closed, _):
            // (Leaving: PINGs, INFOs and errors of a server being left change nothing any more.)
            return []
        }
    }

    /// The channel went away, for whatever reason.
    mutating func channelInactive() -> [Action] {
        switch state {
        case .closing(let reason):
            state = .closed
            return [.cancelTimer(.ping), .cancelTimer(.handshake), .failRequests, .emit(.closed(reason: reason))]
        case .connected(let server, _, _), .leaving(let server):
            guard pool.maxReconnectAttempts != 0 else {
                // No reconnects at all (as nats.go's MaxReconnect 0): the first loss is the end.
                state = .closed
                return [.cancelTimer(.ping), .failRequests, .emit(.disconnected(server)), .emit(.closed(reason: "reconnecting is off"))]
            }
            return [.cancelTimer(.ping), .failRequests, .emit(.disconnected(server))] + scheduleReconnect()
        case .handshaking(let server, _):
            serverFailed(server)
            return [.cancelTimer(.handshake)] + scheduleReconnect()
        case .waitingToReconnect:
            // Closed by us during a handshake that failed: the reconnect is scheduled here.
            return [.cancelTimer(.ping), .cancelTimer(.handshake), .failRequests] + scheduleReconnect()
        case .idle, .dialing, .closed:
            return []
        }
    }

    mutating func timerFired(_ kind: TimerKind) -> [Action] {
        switch (kind, state) {
        case (.ping, .connected(let server, let info, let outstanding)):
            if outstanding >= configuration.maxPingsOutstanding {
                state = .leaving(server)
                return [.emit(.serverError("stale connection: \(outstanding) pings without a PONG")), .closeChannel]
            }
            state = .connected(server, info: info, pingsOutstanding: outstanding + 1)
            return [.keepAlivePing, .scheduleTimer(.ping, configuration.pingInterval)]
        case (.handshake, .handshaking(let server, _)):
            serverFailed(server)
            state = .waitingToReconnect
            return [.closeChannel]
        case (.reconnect, .waitingToReconnect):
            return dialNext()
        default:
            return []
        }
    }

    /// The user closes the connection.
    mutating func closeRequested() -> [Action] {
        switch state {
        case .handshaking:
            state = .closing(reason: nil)
            return [.cancelTimer(.handshake), .closeChannel]
        case .connected:
            state = .closing(reason: nil)
            return [.cancelTimer(.ping), .closeChannelAfterWrites]
        case .dialing:
            // Closed at once: the dial's end changes nothing any more (a socket that connects
            // after this is closed unused). Waiting for it would wait for a channel end NIO does
            // not report: a channel closed while it connects never becomes inactive.
            state = .closed
            return [.failRequests, .emit(.closed(reason: nil))]
        case .leaving:
            // The channel is closing already (a TLS close waits up to 500 ms for a frozen server):
            // closed now; its end changes nothing any more.
            state = .closed
            return [.cancelTimer(.ping), .failRequests, .emit(.closed(reason: nil))]
        case .idle, .waitingToReconnect:
            state = .closed
            return [.cancelTimer(.reconnect), .failRequests, .emit(.closed(reason: nil))]
        case .closing, .closed:
            return []
        }
    }

    // MARK: Helpers

    private mutating func serverFailed(_ server: ServerAddress) {
        pool.failed(server, giveUp: !hasConnected && !configuration.retryOnFailedConnect)
    }

    private mutating func dialNext() -> [Action] {
        guard let server = pool.next() else {
            state = .closed
            return [.failRequests, .emit(.closed(reason: "no server left to connect to"))]
        }
        state = .dialing(server)
        return [.dial(server)]
    }

    private mutating func discovered(_ info: ServerInfo, from server: ServerAddress) {
        guard !configuration.ignoreDiscoveredServers else { return }
        pool.discovered(info.connectURLs, like: server, using: &random)
    }

    private mutating func scheduleReconnect() -> [Action] {
        guard !pool.isEmpty else {
            state = .closed
            return [.failRequests, .emit(.closed(reason: "no server left to connect to"))]
        }
        state = .waitingToReconnect
        let delay = configuration.backoff.delay(forAttempt: attempt, using: &random)
        attempt += 1
        return [.scheduleTimer(.reconnect, delay)]
    }

    /// The server's authorization refusals (nats.go's list): a first one may pass (a server
    /// that has not loaded the account yet), the same one again from that server closes.
    static func isAuthorizationError(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.hasPrefix("authorization violation") || text.hasPrefix("user authentication expired")
            || text.hasPrefix("user authentication revoked") || text.hasPrefix("account authentication expired")
    }

    /// Errors that end this connection and not the next: the server found it stale or is full.
    static func endsOnlyThisConnection(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.hasPrefix("stale connection") || text.hasPrefix("maximum connections exceeded")
            || text.hasPrefix("slow consumer")
    }

    /// Errors of one operation that the server answers with `-ERR` and keeps the connection
    /// for: `Permissions Violation for Publish to "x"` and the like, a SUB past the user's
    /// `max_subscriptions` or with a subject it cannot parse. Leaving would not help: the
    /// next server would be sent the same SUBs.
    static func concernsOneOperation(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.hasPrefix("permissions violation") || text.hasPrefix("maximum subscriptions exceeded")
            || text == "invalid subject"
    }
}
