import Foundation
import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// A 3-node nats-server cluster on loopback. The client is given one URL only: it learns the
/// others from INFO's connect_urls and moves to one of them when its server dies or enters
/// lame duck mode, keeping its subscriptions and answering requests.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSClusterTests {
    /// Connects to the cluster's first node and waits until the others are announced.
    func connectToFirstNode(of cluster: NATSCluster) async throws -> NATSConnection {
        let client = try await cluster.nodes[0].connect { $0.maxReconnectAttempts = nil }
        for _ in 0..<200 where await client.serverPool().count < cluster.nodes.count {
            try await Task.sleep(for: .milliseconds(50))
        }
        let pool = await client.serverPool()
        try #require(Set(pool.map(\.address.port)) == Set(cluster.nodes.map(\.port)), "connect_urls announce every node: \(pool)")
        #expect(pool.filter(\.isDiscovered).count == cluster.nodes.count - 1)
        return client
    }

    /// A responder on `connection` answering `subject` with `prefix` and the payload.
    func serve(_ subject: String, on connection: NATSConnection, prefix: String) async throws {
        let subscription = try await connection.subscribe(subject)
        Task {
            for await message in subscription {
                guard let replyTo = message.replyTo else { continue }
                try? connection.publish(replyTo, payload: ByteBuffer(string: prefix + String(buffer: message.payload)))
            }
        }
        try await connection.flush()
    }

    /// Retries `request` while interest is still spreading over the routes (bounded: 10 s).
    func requestAcrossTheCluster(_ client: NATSConnection, _ subject: String, _ text: String) async throws -> String {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                return String(buffer: try await client.request(subject, payload: ByteBuffer(string: text), timeout: .seconds(1)).payload)
            } catch let error as NATSClientError where error.code == .noResponders || error.code == .timeout {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw lastError ?? NATSClientError(.timeout, "no reply")
    }

    /// Publishes on `publisher` until `subscription` (of another node) receives one (bounded: 10 s).
    func receivesAcrossTheCluster(_ subscription: NATSSubscription, from publisher: NATSConnection, subject: String) async throws -> String? {
        let reader = Task {
            var iterator = subscription.makeAsyncIterator()
            return await iterator.next().map { String(buffer: $0.payload) }
        }
        let done = Finished()
        Task {
            _ = await reader.value
            done.flag.store(true, ordering: .releasing)
        }
        for attempt in 0..<100 where !done.flag.load(ordering: .acquiring) {
            try publisher.publish(subject, payload: ByteBuffer(string: "hello \(attempt)"))
            try await Task.sleep(for: .milliseconds(100))
        }
        if !done.flag.load(ordering: .acquiring) { reader.cancel() }
        return await reader.value
    }

    /// The connection's events until `predicate` matches one (bounded by the suite's time limit).
    func events(of connection: NATSConnection, until predicate: (ConnectionEvent) -> Bool) async -> [ConnectionEvent] {
        var seen: [ConnectionEvent] = []
        for await event in connection.events {
            seen.append(event)
            if predicate(event) { break }
        }
        return seen
    }

    @Test func whenItsNodeIsKilledTheClientMovesToANodeItLearnedOf() async throws {
        let cluster = try NATSCluster(size: 3)
        defer { cluster.stop() }
        let (first, second, third) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        let client = try await connectToFirstNode(of: cluster)
        let subscription = try await client.subscribe("cluster.news")
        let publisher = try await second.connect()
        let responder = try await third.connect()
        try await serve("cluster.service", on: responder, prefix: "third:")
        #expect(try await requestAcrossTheCluster(client, "cluster.service", "before") == "third:before")

        #expect(first.send(SIGKILL))
        let seen = await events(of: client) { if case .reconnected = $0 { true } else { false } }
        guard case .reconnected(let now)? = seen.last else { return }
        #expect(seen.contains(.disconnected(ServerAddress(host: "127.0.0.1", port: first.port))))
        #expect([second.port, third.port].contains(now.port), "moved to a node it was never given: \(now)")

        // The subscription made before the move is live again, and requests are answered.
        #expect(try await receivesAcrossTheCluster(subscription, from: publisher, subject: "cluster.news")?.hasPrefix("hello") == true)
        #expect(try await requestAcrossTheCluster(client, "cluster.service", "after") == "third:after")
        #expect(await client.statistics().reconnects == 1)
        await client.close()
        await publisher.close()
        await responder.close()
    }
    @Test func aClientThatIgnoresDiscoveredServersStaysWithThoseItWasGiven() async throws {
        let cluster = try NATSCluster(size: 3)
        defer { cluster.stop() }
        let first = cluster.nodes[0]
        let learning = try await connectToFirstNode(of: cluster)  // the cluster is formed now
        let ignoring = try await first.connect {
            $0.ignoreDiscoveredServers = true
            $0.maxReconnectAttempts = 2
            $0.reconnectDelay = .milliseconds(10)
            $0.maxReconnectDelay = .milliseconds(50)
        }
        let control = try await first.connect()
        #expect(await control.serverPool().count == 3, "the first INFO announces the other nodes")
        #expect(await ignoring.serverPool().map(\.address.port) == [first.port])

        #expect(first.send(SIGKILL))
        let seen = await events(of: ignoring) {
            switch $0 {
            case .closed, .reconnected: true
            default: false
            }
        }
        #expect(!seen.contains { if case .reconnected = $0 { true } else { false } }, "\(seen)")
        #expect(seen.last == .closed(reason: "no server left to connect to"), "\(seen)")
        let moved = await events(of: learning) { if case .reconnected = $0 { true } else { false } }
        #expect(moved.last.map { if case .reconnected = $0 { true } else { false } } == true, "the other client moved on: \(moved)")
        await learning.close()
        await control.close()
    }

    @Test func lameDuckModeMovesTheClientToAnotherNode() async throws {
        // A long lame-duck period: the client must leave on the INFO, not be evicted later.
        let cluster = try NATSCluster(size: 3, configuration: "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"20s\"")
        defer { cluster.stop() }
        let (first, second) = (cluster.nodes[0], cluster.nodes[1])
        let client = try await connectToFirstNode(of: cluster)
        let subscription = try await client.subscribe("ldm.news")
        let publisher = try await second.connect()
        try await client.flush()

        // `nats-server --signal ldm=<pid>` sends SIGUSR2; so does this.
        #expect(first.send(SIGUSR2))
        let firstAddress = ServerAddress(host: "127.0.0.1", port: first.port)
        let seen = await events(of: client) { if case .reconnected = $0 { true } else { false } }
        #expect(seen.filter { $0 != .connected(firstAddress) }.first == .lameDuck(firstAddress), "\(seen)")
        #expect(seen.contains(.disconnected(firstAddress)), "leaving a server is a disconnect too: \(seen)")
        guard case .reconnected(let now)? = seen.last else { return }
        #expect(now.port != first.port)
        #expect(first.isRunning, "the old node still runs: the client left on its own")
        #expect(try await receivesAcrossTheCluster(subscription, from: publisher, subject: "ldm.news") != nil)
        await client.close()
        await publisher.close()
        // A server in lame duck mode would sit out its grace period on SIGTERM.
        first.send(SIGKILL)
        first.stop()
    }
}
