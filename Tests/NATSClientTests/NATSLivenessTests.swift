import Foundation
import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Keeping a connection alive and noticing when it is not, against real nats-servers: the
/// server's pings are answered, a server that stops answering is found stale and left, and
/// requests that can no longer be answered fail at once.
@Suite(.timeLimit(.minutes(1))) struct NATSLivenessTests {
    /// A server that pings every 100 ms and drops a client after 20 unanswered pings keeps this
    /// one for 30 pings: every PING is answered with a PONG. (A client that does not answer is
    /// dropped after about 2 s; 20 leaves room for a busy machine to answer late.)
    @Test func theServersPingsAreAnswered() async throws {
        let server = try NATSServer(configuration: "ping_interval: \"100ms\"\nping_max: 20")
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("still.here")
        var messages = subscription.makeAsyncIterator()
        try await Task.sleep(for: .seconds(3))
        try connection.publish("still.here", payload: ByteBuffer(string: "yes"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "yes")
        #expect(await connection.statistics().reconnects == 0, "never dropped as stale")
        await connection.close()
    }

    /// A server that stops answering (frozen, as a hung host would be) is found stale by the
    /// client's pings, left, and reconnected to once it answers again.
    @Test func aServerThatStopsAnsweringPingsIsLeftAndRejoined() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect {
            $0.pingInterval = .milliseconds(400)
            $0.maxPingsOutstanding = 2
            $0.maxReconnectAttempts = nil
            $0.connectTimeout = .seconds(1)
        }
        let subscription = try await connection.subscribe("after.stale")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()

        #expect(await server.freezeUntilStale(&events) == "stale connection: 2 pings without a PONG")
        let next = await events.next()
        #expect(next.map { if case .disconnected = $0 { true } else { false } } == true, "\(String(describing: next))")

        server.resume()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        try connection.publish("after.stale", payload: ByteBuffer(string: "back"))
        #expect(await messages.next().map { String(buffer: $0.payload) } == "back")
        #expect(await connection.statistics().reconnects == 1)
        await connection.close()
    }

    /// A request waiting for a reply when the server goes away fails at once with `.disconnected`,
    /// not at its timeout; the connection comes back for the next one.
    @Test func aRequestInFlightFailsWhenTheServerGoesAway() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        let started = ContinuousClock.now
        let (pending, silent) = try await Self.requestLeftWaiting(on: connection, server: server)
        server.stop()
        do {
            _ = try await pending.value
            Issue.record("a request answered by nobody succeeded")
        } catch let error as NATSClientError {
            #expect(error.code == .disconnected, "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(10), "failed on the disconnect, not at the 30 s timeout")

        try server.start()
        let responder = try await server.connect()
        _ = try await responder.subscribe("answered", onEventLoop: { message in
            if let replyTo = message.replyTo { try? responder.publish(replyTo, payload: ByteBuffer(string: "ok")) }
        })
        try await responder.flush()
        let reply = try await connection.request("answered", payload: ByteBuffer(), timeout: .seconds(10))
        #expect(String(buffer: reply.payload) == "ok")
        await connection.close()
        await responder.close()
        await silent.close()
    }

    /// PONGs answer PINGs in order, and a keep-alive PING's PONG is not a flush's: a flush waits
    /// for the PONG of its own PING, however many keep-alive PONGs arrive first. (The keep-alive's
    /// PONG once completed the flush waiting behind it, before the server had read what it flushed.)
    @Test func aKeepAlivePongDoesNotCompleteAFlush() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let proxy = try await TCPProxy(to: server.port)
        let connection = try await NATSConnection.connect({
            var options = NATSOptions(servers: ["nats://127.0.0.1:\(proxy.port)"])
            options.pingInterval = .milliseconds(100)
            options.maxPingsOutstanding = 1_000
            return options
        }())
        // The server answers a keep-alive PING; its PONG is held on the way back.
        proxy.hold(.towardsClients)
        while proxy.pingsFromClients < 2 { try await Task.sleep(for: .milliseconds(10)) }  // CONNECT's, then a keep-alive
        try await Task.sleep(for: .milliseconds(50))
        // The flush's PING is held on the way there: the server never sees it.
        proxy.hold(.towardsServer)
        let flushed = Finished()
        let flush = Task {
            try await connection.flush(timeout: .seconds(20))
            flushed.set()
        }
        let before = proxy.pingsFromClients
        while proxy.pingsFromClients == before { try await Task.sleep(for: .milliseconds(5)) }
        await proxy.release(.towardsClients)  // the keep-alive PONGs arrive
        try await Task.sleep(for: .milliseconds(300))
        #expect(!flushed.isSet, "flushed on a keep-alive's PONG, before the server read the flush's PING")
        await proxy.release(.towardsServer)
        try await flush.value
        #expect(flushed.isSet)
        await connection.close()
        await proxy.close()
    }

    /// A request whose PUB still waits in the write buffer when the connection drops (the server
    /// had stopped reading) was never sent: it goes to the next server and gets its reply there,
    /// instead of failing and inviting a retry that would run it twice. So does a flush's PING:
    /// the flush completes on the next server's PONG (its PONG once completed a later flush).
    @Test func aRequestAndAFlushNotYetWrittenGoToTheNextServer() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect {
            $0.maxReconnectAttempts = nil
            $0.reconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(100)
        }
        _ = try await connection.subscribe("answered.later", onEventLoop: { message in
            if let replyTo = message.replyTo { try? connection.publish(replyTo, payload: ByteBuffer(string: "after all")) }
        })
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()

        // A frozen server reads nothing: once the sockets are full, publishes wait in the client.
        server.pause()
        let filler = ByteBuffer(repeating: 0x2E, count: 32 * 1024)
        for _ in 0..<4_000 where await connection.statistics().pendingOutBytes < 256 * 1024 {
            try connection.publish("filler", payload: filler)
        }
        let waiting = await connection.statistics().pendingOutBytes
        #expect(waiting >= 256 * 1024, "the sockets never filled")
        let pending = Task { try await connection.request("answered.later", timeout: .seconds(30)) }
        while await connection.statistics().pendingOutBytes == waiting { try await Task.sleep(for: .milliseconds(5)) }
        let withRequest = await connection.statistics().pendingOutBytes
        let flushing = Task { try await connection.flush(timeout: .seconds(30)) }
        while await connection.statistics().pendingOutBytes == withRequest { try await Task.sleep(for: .milliseconds(5)) }

        server.send(SIGKILL)  // gone without reading another byte
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        server.stop()
        try server.start()
        let reply = try await pending.value
        #expect(String(buffer: reply.payload) == "after all")
        try await flushing.value
        try await connection.flush()  // and the next flush has a PONG of its own
        #expect(await connection.statistics().reconnects == 1)
        await connection.close()
    }

    /// A request in flight when its connection is closed on purpose fails as closed, not as lost.
    @Test func aRequestInFlightFailsAsClosedWhenTheConnectionIsClosed() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let (pending, silent) = try await Self.requestLeftWaiting(on: connection, server: server)
        await connection.close()
        await #expect { try await pending.value } throws: { ($0 as? NATSClientError)?.code == .connectionClosed }
        await silent.close()
    }

    /// Closing while a reconnect's dial is under way ends the connection at once, and the socket
    /// that connects after that is closed unused. (NIO reports no end for a channel closed while
    /// it connects, so `close()` once waited forever for one: a hang seen in the test suite.)
    @Test func closingWhileADialIsUnderwayEndsAtOnce() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let stalled = try StalledListener(port: try NATSServer.freePort())
        let connection = try await server.connect {
            $0.servers = [server.url, "nats://127.0.0.1:\(stalled.port)"]  // in this order
            $0.maxReconnectAttempts = nil
            $0.connectTimeout = .seconds(20)
        }
        var events = connection.events.makeAsyncIterator()
        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        let dialing = try await stalled.waitForStalledDial(within: .seconds(10))
        let pool = await connection.serverPool()
        try #require(dialing, "the reconnect dials the stalled listener: \(stalled.sockets) \(pool)")

        // Closed well before the dial could end (its SYN is retried at 1, 3, 7… s, until 20 s).
        let closedFirst = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await connection.close()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        #expect(closedFirst, "close() waited for the dial")
        #expect(await events.next() == .closed(reason: nil))

        // The dial completes now; the connection closes that socket without a word.
        stalled.release()
        let late = try #require(stalled.acceptClient(within: .seconds(10)), "the stalled dial connects once there is room")
        #expect(StalledListener.peerCloses(late, within: .seconds(5)))
    }

    /// A request from `connection` (30 s timeout) that a second connection takes and never
    /// answers: out and waiting for its reply when this returns. The second connection is the
    /// caller's to close.
    static func requestLeftWaiting(
        on connection: NATSConnection, server: NATSServer
    ) async throws -> (Task<InboundMessage, any Error>, NATSConnection) {
        let silent = try await server.connect()
        var taken = try await silent.subscribe("never.answered").makeAsyncIterator()
        try await silent.flush()
        let pending = Task { try await connection.request("never.answered", payload: ByteBuffer(string: "?"), timeout: .seconds(30)) }
        _ = await taken.next()
        return (pending, silent)
    }

    /// A short gap (the server back within a second, as in a rolling restart) is carried through:
    /// the connection is not "away" yet, and a request made during it goes out after the reconnect
    /// and is answered. A longer one is "away", which the gateway and services answer with 503.
    @Test func aShortGapIsCarriedThroughALongOneIsAway() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        _ = try await connection.subscribe("echo", onEventLoop: { message in
            if let replyTo = message.replyTo { try? connection.publish(replyTo, payload: message.payload) }
        })
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()

        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        #expect(!connection.isReady && !connection.isAway(atLeast: .seconds(5)), "just lost: not away yet")
        try server.start()
        // Asked during the gap: its subscription goes back first, then the request (same connection).
        let reply = try await connection.request("echo", payload: ByteBuffer(string: "across"), timeout: .seconds(10))
        #expect(String(buffer: reply.payload) == "across")
        #expect(connection.isReady && !connection.isAway(atLeast: .zero))

        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(connection.isAway(atLeast: .milliseconds(300)) && !connection.isAway(atLeast: .seconds(30)))
        await connection.close()
        #expect(connection.isAway(atLeast: .seconds(30)), "closed is away for good")
    }

    /// `status()` through a connection's life, with the server it is connected to and what that
    /// server said of itself; `rtt()` is a round trip to it.
    @Test func theStatusFollowsTheConnectionsLife() async throws {
        let server = try NATSServer(configuration: "server_name: status-node\nmax_payload: 65536")
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        guard case .connected(let address, let info) = await connection.status() else {
            Issue.record("not connected after connect: \(await connection.status())")
            return
        }
        #expect(address.port == server.port)
        #expect(info.serverName == "status-node" && info.maxPayload == 65_536 && !info.serverID.isEmpty, "\(info)")
        let rtt = try await connection.rtt()
        #expect(rtt > .zero && rtt < .seconds(10))
        var events = connection.events.makeAsyncIterator()

        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        #expect(await connection.status() == .reconnecting)
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        let again = await connection.status()
        #expect(again.server?.port == server.port, "\(again)")
        await connection.close()
        #expect(await connection.status() == .closed)
        await #expect(throws: NATSClientError.self) { _ = try await connection.rtt() }
    }
}

extension NATSServer {
    /// Freezes the server (SIGSTOP) and waits until `events` says the client found it stale;
    /// the server stays frozen. What the client said (`stale connection: N pings without a PONG`).
    @discardableResult
    func freezeUntilStale(_ events: inout AsyncStream<ConnectionEvent>.Iterator) async -> String? {
        pause()
        while let event = await events.next() {
            if case .serverError(let message) = event, message.hasPrefix("stale connection: ") { return message }
        }
        return nil
    }
}
