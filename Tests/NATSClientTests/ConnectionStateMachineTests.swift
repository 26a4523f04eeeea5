import NATSWire
import NIOCore
import Resilience
import TestSupport
import Testing

@testable import NATSClient

/// The connection's life, one event per line: handshake, pings, stale connections, errors,
/// lame duck, reconnect with backoff, close.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<SeededGenerator>
    let a = ServerAddress("nats://a:4222")!, b = ServerAddress("nats://b:4222")!

    func info(_ json: String = "{}") throws -> ServerInfo { try ServerInfo(json: Array(json.utf8)) }

    func machine(_ servers: [ServerAddress]? = nil, maxAttempts: Int? = 60, retryOnFailedConnect: Bool = true) -> Machine {
        var random = SeededGenerator(seed: 1)
        let pool = ServerPool(servers ?? [a, b], randomize: false, maxReconnectAttempts: maxAttempts, using: &random)
        var configuration = Machine.Configuration()
        configuration.pingInterval = .seconds(10)
        configuration.retryOnFailedConnect = retryOnFailedConnect
        return Machine(pool: pool, configuration: configuration, random: random)
    }

    /// The waits the machine schedules as `failures` dials in a row fail (fewer if it gives up).
    func reconnectDelays(_ m: inout Machine, failures: Int) -> [Duration] {
        var delays: [Duration] = []
        for _ in 0..<failures {
            guard case .scheduleTimer(.reconnect, let delay)? = m.dialFailed().last else { break }
            delays.append(delay)
            _ = m.timerFired(.reconnect)
        }
        return delays
    }

    /// Runs the handshake with server `server` and returns the machine connected.
    func connected(_ m: inout Machine, to server: ServerAddress, info: ServerInfo) {
        _ = m.channelActive()
        _ = m.received(.info(info))
        _ = m.received(.pong)
    }

    @Test func handshakeThenConnected() throws {
        var m = machine()
        let serverInfo = try info(#"{"server_id":"S","connect_urls":["c:4222"]}"#)
        #expect(m.start() == [.dial(a)])
        #expect(m.channelActive() == [.scheduleTimer(.handshake, .seconds(5))])
        #expect(!m.deliversMessages, "a message during the handshake is out of place")
        #expect(m.received(.info(serverInfo)) == [.sendConnect(serverInfo, a)])
        #expect(m.pool.addresses.map(\.host) == ["b", "a"], "not before the server has taken the client")
        #expect(m.received(.pong) == [.cancelTimer(.handshake), .replaySubscriptions, .scheduleTimer(.ping, .seconds(10)), .emit(.connected(a))])
        #expect(m.pool.addresses.map(\.host) == ["b", "c", "a"], "connect_urls join the pool, ahead of the server in use")
        #expect(m.received(.ping) == [.write(.pong)])
        let message = InboundMessage(subject: "x", sid: 1, payload: ByteBuffer(string: "hi"))
        #expect(m.deliversMessages)
        #expect(m.received(.msg(message)) == [.deliver(message)])
        #expect(m.received(.ok) == [])
    }

    /// The server may send INFO again before the PONG that ends the handshake (a user whose JWT
    /// sets its own `max_payload`, a cluster that changed): the newer INFO is the one kept.
    @Test func anINFOBeforeTheHandshakesPONGReplacesTheFirst() throws {
        var m = machine()
        _ = m.start()
        _ = m.channelActive()
        let first = try info(#"{"server_id":"S","max_payload":1048576}"#)
        let second = try info(#"{"server_id":"S","max_payload":1024,"connect_urls":["c:4222"]}"#)
        #expect(m.received(.info(first)) == [.sendConnect(first, a)])
        #expect(m.received(.info(second)) == [], "no second CONNECT")
        #expect(m.received(.pong).last == .emit(.connected(a)))
        #expect(m.pool.addresses.map(\.host).contains("c"), "the kept INFO's servers join the pool")
        guard case .connected(_, let kept, _) = m.state else { Issue.record("not connected: \(m.state)"); return }
        #expect(kept.maxPayload == 1024)
    }

    /// A header block that cannot be read costs that message its headers, not the connection.
    @Test func aMessageWithMalformedHeadersIsDeliveredWithoutThem() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        let message = InboundMessage(subject: "x", sid: 1, payload: ByteBuffer(string: "hi"))
        #expect(m.received(.malformedHeaders(message, reason: "invalid header name 'Gruß'")) == [
            .deliverMalformed(message, reason: "invalid header name 'Gruß'")
        ])
        #expect(m.deliversMessages)
    }

    @Test func pingsWithoutPongMakeTheConnectionStale() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.timerFired(.ping) == [.keepAlivePing, .scheduleTimer(.ping, .seconds(10))])
        #expect(m.received(.pong) == [.pongReceived])
        #expect(m.timerFired(.ping) == [.keepAlivePing, .scheduleTimer(.ping, .seconds(10))])
        #expect(m.timerFired(.ping) == [.keepAlivePing, .scheduleTimer(.ping, .seconds(10))])
        #expect(m.timerFired(.ping) == [.emit(.serverError("stale connection: 2 pings without a PONG")), .closeChannel])
        // Left by the client, the server still counts as lost: requests fail, users hear of it.
        let actions = m.channelInactive()
        #expect(Array(actions.prefix(3)) == [.cancelTimer(.ping), .failRequests, .emit(.disconnected(a))])
        guard case .scheduleTimer(.reconnect, let delay)? = actions.last else {
            Issue.record("no reconnect scheduled: \(actions)")
            return
        }
        #expect(delay == .zero, "the first reconnect goes at once")
        #expect(m.timerFired(.reconnect) == [.dial(b)], "the next server in the pool")
    }

    @Test func reconnectsAfterALostConnectionAndSaysSo() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        let lost = m.channelInactive()
        #expect(Array(lost.prefix(3)) == [.cancelTimer(.ping), .failRequests, .emit(.disconnected(a))])
        #expect(m.timerFired(.reconnect) == [.dial(b)])
        #expect(m.dialFailed().count == 1, "b refused: wait, then try again")
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        _ = m.channelActive()
        _ = m.received(.info(try info()))
        #expect(m.received(.pong).last == .emit(.reconnected(a)))
    }

    @Test func backoffGrowsWhileServersRefuse() throws {
        var m = machine()
        _ = m.start()
        let delays = reconnectDelays(&m, failures: 8)
        #expect(delays.count == 8)
        #expect(delays[0] == .zero)
        #expect(delays.dropFirst().allSatisfy { $0 <= .seconds(2) })
        #expect(delays.dropFirst(4).contains { $0 > .milliseconds(200) }, "later waits reach past the first ceilings: \(delays)")
    }

    @Test func theOptionsSetTheBackoff() throws {
        var options = NATSOptions()
        options.reconnectDelay = .milliseconds(400)
        options.maxReconnectDelay = .milliseconds(900)
        options.retryOnFailedConnect = true
        var random = SeededGenerator(seed: 7)
        let pool = ServerPool([a], randomize: false, maxReconnectAttempts: nil, using: &random)
        var m = Machine(pool: pool, configuration: .init(options), random: random)
        _ = m.start()
        let delays = reconnectDelays(&m, failures: 40)
        #expect(Machine.Configuration(options).backoff == Backoff(base: .milliseconds(400), multiplier: 2, cap: .milliseconds(900)))
        #expect(delays.count == 40)
        #expect(delays[0] == .zero, "the first reconnect goes at once")
        #expect(delays[1] <= .milliseconds(400), "then up to reconnectDelay: \(delays[1])")
        #expect(delays.allSatisfy { $0 <= .milliseconds(900) }, "never past maxReconnectDelay: \(delays)")
        #expect(delays.contains { $0 > .milliseconds(800) }, "later waits reach up to maxReconnectDelay: \(delays)")
        #expect(Set(delays.dropFirst()).count > 30, "each wait is drawn at random (jitter)")
    }

    /// A server whose handshake fails (its TLS, or an authorization error) announces nothing: the
    /// servers it names would come back with fresh attempts, and a client that can use none of
    /// them would never run out.
    @Test func aFailedHandshakeAnnouncesNoServers() throws {
        var random = SeededGenerator(seed: 1)
        var m = Machine(pool: ServerPool([a], randomize: false, maxReconnectAttempts: 1, using: &random), configuration: .init(NATSOptions()), random: random)
        let announcing = try info(#"{"connect_urls":["b:4222","c:4222"]}"#)
        #expect(m.start() == [.dial(a)])
        _ = m.channelActive()
        _ = m.received(.info(announcing))
        #expect(m.received(.err("Authorization Violation")).contains(.closeChannel))
        #expect(!m.pool.addresses.contains { $0.host != a.host }, "\(m.pool.addresses)")
        #expect(m.channelInactive().last == .emit(.closed(reason: "no server left to connect to")))

        // Dropped during the handshake (a TLS failure closes the channel): the same.
        var random2 = SeededGenerator(seed: 1)
        var tls = Machine(pool: ServerPool([a], randomize: false, maxReconnectAttempts: 1, using: &random2), configuration: .init(NATSOptions()), random: random2)
        _ = tls.start()
        _ = tls.channelActive()
        _ = tls.received(.info(announcing))
        #expect(tls.channelInactive().last == .emit(.closed(reason: "no server left to connect to")))
        #expect(!tls.pool.addresses.contains { $0.host != a.host }, "\(tls.pool.addresses)")
    }

    @Test func discoveredServersCanBeIgnored() throws {
        var options = NATSOptions()
        options.ignoreDiscoveredServers = true
        var random = SeededGenerator(seed: 1)
        let pool = ServerPool([a], randomize: false, maxReconnectAttempts: 2, using: &random)
        var m = Machine(pool: pool, configuration: .init(options), random: random)
        let announcing = try info(#"{"connect_urls":["b:4222","c:4222"]}"#)
        #expect(m.start() == [.dial(a)])
        _ = m.channelActive()
        _ = m.received(.info(announcing))
        _ = m.received(.pong)
        _ = m.received(.info(announcing))
        #expect(m.pool.addresses == [a], "only the server given")
        // Lost, it is tried again (and again), never one of those announced.
        _ = m.channelInactive()
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        _ = m.dialFailed()
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        #expect(m.dialFailed() == [.failRequests, .emit(.closed(reason: "no server left to connect to"))])
    }

    @Test func theStatusFollowsTheStates() throws {
        var m = machine()
        _ = m.start()
        _ = m.channelActive()
        let serverInfo = try info(#"{"server_id":"S"}"#)
        _ = m.received(.info(serverInfo))
        _ = m.received(.pong)
        #expect(m.status == .connected(server: a, info: serverInfo))
        #expect(m.received(.err("Stale Connection")).last == .closeChannel)
        #expect(m.status == .reconnecting, "leaving")
        _ = m.channelInactive()
        #expect(m.status == .reconnecting, "waiting to reconnect")
        #expect(m.timerFired(.reconnect) == [.dial(b)])
        #expect(m.status == .reconnecting, "dialing")
        _ = m.channelActive()
        #expect(m.status == .reconnecting, "handshaking")
        _ = m.closeRequested()
        #expect(m.status == .closed, "closing")
        _ = m.channelInactive()
        #expect(m.status == .closed)
    }

    @Test func lameDuckModeWithNoOtherServerStaysUntilTheServerCloses() throws {
        var m = machine([a])
        _ = m.start()
        connected(&m, to: a, info: try info())
        let ldm = try info(#"{"ldm":true}"#)
        #expect(m.received(.info(ldm)) == [.emit(.lameDuck(a))], "told, but not left: a is the only server")
        #expect(m.deliversMessages)
        var two = machine([a, b])
        _ = two.start()
        connected(&two, to: a, info: try info())
        #expect(two.received(.info(ldm)) == [.emit(.lameDuck(a)), .leaveChannel], "with another server, it moves")
    }

    @Test func handshakeErrorsAndTimeoutsMoveOn() throws {
        var m = machine()
        _ = m.start()
        _ = m.channelActive()
        _ = m.received(.info(try info()))
        #expect(m.received(.err("Authorization Violation")) == [.cancelTimer(.handshake), .emit(.serverError("Authorization Violation")), .closeChannel])
        _ = m.channelInactive()
        #expect(m.timerFired(.reconnect) == [.dial(b)])
        _ = m.channelActive()
        #expect(m.timerFired(.handshake) == [.closeChannel], "no INFO in time")
    }

    /// The same authorization error twice in a row from one server closes the connection (revoked
    /// or expired credentials do not come back by retrying, however many attempts are allowed); a
    /// handshake that succeeds in between starts over.
    @Test func theSameAuthorizationErrorTwiceFromAServerCloses() throws {
        var m = machine([a], maxAttempts: nil)
        _ = m.start()
        connected(&m, to: a, info: try info())
        // Expired while connected: a reconnect may help (a renewed .creds file is read again).
        #expect(m.received(.err("User Authentication Expired")) == [.emit(.serverError("User Authentication Expired")), .closeChannel])
        #expect(m.channelInactive().last == .scheduleTimer(.reconnect, .zero))
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        _ = m.channelActive()
        _ = m.received(.info(try info()))
        #expect(m.received(.err("Authorization Violation")).last == .closeChannel)
        #expect(m.channelInactive().last.map { if case .scheduleTimer(.reconnect, _) = $0 { true } else { false } } == true, "a different error: once more")
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        _ = m.channelActive()
        _ = m.received(.info(try info()))
        #expect(m.received(.err("Authorization Violation")) == [.cancelTimer(.handshake), .emit(.serverError("Authorization Violation")), .closeChannel])
        let why = "nats://a:4222 refused the client twice in a row: Authorization Violation"
        #expect(m.channelInactive() == [.cancelTimer(.ping), .cancelTimer(.handshake), .failRequests, .emit(.closed(reason: why))])
        #expect(m.timerFired(.reconnect) == [] && m.start() == [], "closed for good")

        // In between, a handshake that succeeds forgets the first refusal.
        var n = machine([a], maxAttempts: nil)
        _ = n.start()
        for _ in 0..<3 {
            _ = n.channelActive()
            _ = n.received(.info(try info()))
            _ = n.received(.err("Authorization Violation"))
            _ = n.channelInactive()
            _ = n.timerFired(.reconnect)
            connected(&n, to: a, info: try info())
            _ = n.received(.err("Stale Connection"))
            _ = n.channelInactive()
            _ = n.timerFired(.reconnect)
        }
        #expect(n.status == .reconnecting, "\(n.state)")

        // Told to ignore them: refused again and again, it keeps trying.
        var options = NATSOptions()
        options.ignoreAuthErrorAbort = true
        options.retryOnFailedConnect = true
        #expect(Machine.Configuration(options).ignoreAuthErrorAbort)
        var random = SeededGenerator(seed: 1)
        var patient = Machine(pool: ServerPool([a], randomize: false, using: &random), configuration: .init(options), random: random)
        _ = patient.start()
        for _ in 0..<5 {
            _ = patient.channelActive()
            _ = patient.received(.info(try info()))
            _ = patient.received(.err("Authorization Violation"))
            #expect(patient.channelInactive().last.map { if case .scheduleTimer(.reconnect, _) = $0 { true } else { false } } == true)
            #expect(patient.timerFired(.reconnect) == [.dial(a)])
        }
    }

    /// Reconnecting off (`maxReconnectAttempts` 0, nats.go's MaxReconnect 0): the first loss closes.
    @Test func noReconnectsMeansTheFirstLossCloses() throws {
        var m = machine([a, b], maxAttempts: 0)
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.channelInactive() == [.cancelTimer(.ping), .failRequests, .emit(.disconnected(a)), .emit(.closed(reason: "reconnecting is off"))])
        #expect(m.timerFired(.reconnect) == [])
    }

    /// An error that would recur on any server (nats.go's judgement for all it does not know)
    /// closes the connection, saying why; stale and full servers are left for another.
    @Test func anUnknownServerErrorCloses() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.received(.err("Parser Error")) == [.cancelTimer(.ping), .emit(.serverError("Parser Error")), .closeChannel])
        #expect(!m.deliversMessages)
        #expect(m.channelInactive().last == .emit(.closed(reason: "nats://a:4222 reported: Parser Error")))
        for message in ["Stale Connection", "Maximum Connections Exceeded", "Slow Consumer"] {
            var left = machine()
            _ = left.start()
            connected(&left, to: a, info: try info())
            #expect(left.received(.err(message)) == [.emit(.serverError(message)), .closeChannel], "\(message)")
            #expect(left.channelInactive().contains(.emit(.disconnected(a))), "\(message): moves on")
        }
    }

    @Test func permissionViolationsDoNotEndTheConnection() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.received(.err("Permissions Violation for Publish to \"secret\"")) == [.failDenied(.init(.publish, subject: "secret"))])
        #expect(m.received(.err("Permissions Violation for Subscription to \"s.*\" using queue \"q\"")) == [
            .failDenied(.init(.subscribe, subject: "s.*", queue: "q"))
        ])
        let unknown = "Permissions Violation for Something New"
        #expect(m.received(.err(unknown)) == [.emit(.serverError(unknown))], "an unknown kind is still reported")
        // A SUB past the user's limit, or one the server could not read: the server keeps the
        // connection, and the next server would be sent the same SUBs.
        for message in ["Maximum Subscriptions Exceeded", "maximum subscriptions exceeded", "Invalid Subject"] {
            #expect(m.received(.err(message)) == [.emit(.serverError(message))], "\(message)")
        }
        #expect(m.deliversMessages, "still connected")
        #expect(m.received(.err("Stale Connection")) == [.emit(.serverError("Stale Connection")), .closeChannel])
        let sentBefore = InboundMessage(subject: "x", sid: 1, payload: ByteBuffer())
        #expect(m.received(.msg(sentBefore)) == [.deliver(sentBefore)], "what the server sent before the client left is delivered")
        #expect(m.channelInactive().prefix(3) == [.cancelTimer(.ping), .failRequests, .emit(.disconnected(a))])
    }

    @Test func closingWhileLeavingAServerEndsThere() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        _ = m.received(.err("Stale Connection"))
        // Closed at once: the channel is on its way out already.
        #expect(m.closeRequested() == [.cancelTimer(.ping), .failRequests, .emit(.closed(reason: nil))])
        #expect(m.channelInactive() == [])
        #expect(m.timerFired(.reconnect) == [])
        #expect(m.start() == [])
    }

    @Test func lameDuckMovesToAnotherServer() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.received(.info(try info(#"{"ldm":true}"#))) == [.emit(.lameDuck(a)), .leaveChannel], "what the channel holds goes to this server, which works; what waits, to the next")
        // What the server sent before the client left is still delivered; a flush it answered completes.
        let late = InboundMessage(subject: "x", sid: 1, payload: ByteBuffer(string: "late"))
        #expect(m.deliversMessages && m.received(.msg(late)) == [.deliver(late)])
        #expect(m.received(.pong) == [.pongReceived])
        #expect(m.received(.ping) == [] && m.received(.err("Stale Connection")) == [], "nothing else changes a server being left")
        #expect(m.channelInactive().prefix(3) == [.cancelTimer(.ping), .failRequests, .emit(.disconnected(a))])
        #expect(m.timerFired(.reconnect) == [.dial(b)])
    }

    @Test func closeIsFinal() throws {
        var m = machine()
        _ = m.start()
        connected(&m, to: a, info: try info())
        #expect(m.closeRequested() == [.cancelTimer(.ping), .closeChannelAfterWrites], "what was published before goes out")
        #expect(m.channelInactive() == [.cancelTimer(.ping), .cancelTimer(.handshake), .failRequests, .emit(.closed(reason: nil))])
        #expect(m.timerFired(.reconnect) == [])
        #expect(m.start() == [])
    }

    @Test func aFirstConnectTriesEachServerOnceByDefault() throws {
        var m = machine(retryOnFailedConnect: false)
        #expect(m.start() == [.dial(a)])
        _ = m.dialFailed()
        #expect(m.timerFired(.reconnect) == [.dial(b)])
        _ = m.channelActive()
        _ = m.received(.info(try info()))
        _ = m.received(.err("Authorization Violation"))
        #expect(m.channelInactive().last == .emit(.closed(reason: "no server left to connect to")))

        // Once connected, the same failures are retried: a broker restart must not end a service.
        var connected = machine(retryOnFailedConnect: false)
        _ = connected.start()
        self.connected(&connected, to: a, info: try info())
        _ = connected.channelInactive()
        _ = connected.timerFired(.reconnect)
        _ = connected.dialFailed()
        #expect(connected.pool.addresses.count == 2, "a failed reconnect keeps the server in the pool")
    }

    @Test func givesUpWhenNoServerIsLeft() {
        var m = machine([a], maxAttempts: 2)  // two attempts in a row, both failed
        #expect(m.start() == [.dial(a)])
        _ = m.dialFailed()
        #expect(m.timerFired(.reconnect) == [.dial(a)])
        #expect(m.dialFailed() == [.failRequests, .emit(.closed(reason: "no server left to connect to"))])
    }
}

extension ConnectionStateMachineTests {
    @Test func closeWhileDialingEndsAtOnceWhicheverWayTheDialGoes() {
        // Closed without waiting for the dial: a channel that connects after the close is closed
        // unused by the connection, and NIO reports no end (channelInactive) for it.
        var failing = machine()
        #expect(failing.start() == [.dial(a)])
        #expect(failing.closeRequested() == [.failRequests, .emit(.closed(reason: nil))])
        #expect(failing.dialFailed() == [])
        #expect(failing.timerFired(.reconnect) == [])

        var succeeding = machine()
        _ = succeeding.start()
        #expect(succeeding.closeRequested() == [.failRequests, .emit(.closed(reason: nil))])
        #expect(succeeding.channelActive() == [])
        #expect(succeeding.channelInactive() == [])
        #expect(succeeding.start() == [])

        // While waiting to redial, too.
        var waiting = machine()
        _ = waiting.start()
        _ = waiting.dialFailed()
        #expect(waiting.closeRequested() == [.cancelTimer(.reconnect), .failRequests, .emit(.closed(reason: nil))])
        #expect(waiting.timerFired(.reconnect) == [])
    }
}
