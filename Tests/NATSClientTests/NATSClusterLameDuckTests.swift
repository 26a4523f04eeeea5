import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Leaving a lame-duck node under a flat-out publisher: a load test (both cores for a while), run
/// on its own after the parallel suites (the Makefile's SOLO_TESTS).
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSLameDuckLoadTests {
    let cluster = NATSClusterTests()

    /// A server in lame duck mode still works: what the client already handed its channel goes
    /// to it, what was queued after goes to the next server, and a publisher going flat out across
    /// the move loses nothing, although the channel is backed up when the move begins.
    @Test func leavingALameDuckLosesNoPublishes() async throws {
        let nodes = try NATSCluster(size: 3, configuration: "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"20s\"")
        defer { nodes.stop() }
        let (first, second) = (nodes.nodes[0], nodes.nodes[1])
        // The publisher reaches the first node through a relay that can stop reading from it.
        let proxy = try await TCPProxy(to: first.port)
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(proxy.port)"], name: "switchboard-tests")
        options.randomizeServers = false
        let publisher = try await NATSConnection.connect(options)
        var events = publisher.events.makeAsyncIterator()
        let subscriber = try await second.connect()
        let subscription = try await subscriber.subscribe("ldm.burst", pendingLimits: .unlimited)
        try await subscriber.flush()
        // Interest reaches the first node over the route (bounded: 10 s).
        let probe = try await first.connect()
        #expect(try await cluster.receivesAcrossTheCluster(subscription, from: probe, subject: "ldm.burst")?.hasPrefix("hello") == true)
        await probe.close()
        let others = Set(nodes.nodes.dropFirst().map(\.port))
        for _ in 0..<200 where !others.isSubset(of: await publisher.serverPool().map(\.address.port)) {
            try await Task.sleep(for: .milliseconds(50))
        }

        // The publisher goes on until told to stop: every message it published must arrive.
        let target = Atomic(0)  // 0 until the publisher has stopped
        let received = Task {
            var seen = Set<Int>()
            for await message in subscription {
                if let index = Int(String(buffer: message.payload).prefix(while: \.isNumber)) { seen.insert(index) }
                let wanted = target.load(ordering: .acquiring)
                if wanted > 0, seen.count >= wanted { break }
            }
            return seen.count
        }
        let published = Atomic(0)
        let stop = Atomic(false)
        defer { stop.store(true, ordering: .relaxed) }  // however the test ends, the publisher does
        let padding = String(repeating: "x", count: 500)
        let publishing = Task {
            var index = 0
            while !stop.load(ordering: .relaxed) {
                let payload = ByteBuffer(string: "\(index) \(padding)")
                do {
                    try publisher.publish("ldm.burst", payload: payload)
                } catch let error as NATSClientError where error.code == .reconnectBufferFull {
                    try await Task.sleep(for: .milliseconds(5))  // between servers: wait for the next
                    continue
                }
                index += 1
                published.store(index, ordering: .relaxed)
            }
            return index
        }
        while published.load(ordering: .relaxed) < 5_000 { try await Task.sleep(for: .milliseconds(1)) }
        // The node's side stops reading for a moment: the socket fills and the channel holds
        // writes it cannot make yet when the lame-duck INFO comes.
        await proxy.stopReading(.towardsServer)
        var stalled = published.load(ordering: .relaxed)
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(50))
            let now = published.load(ordering: .relaxed)
            if now == stalled { break }
            stalled = now
        }
        #expect(first.send(SIGUSR2), "lame duck mode")
        var seen: [ConnectionEvent] = []
        while let event = await events.next() {
            seen.append(event)
            if case .lameDuck = event { break }
        }
        await proxy.resumeReading(.towardsServer)
        while let event = await events.next() {
            seen.append(event)
            if case .reconnected = event { break }
        }
        #expect(seen.contains(.lameDuck(ServerAddress(host: "127.0.0.1", port: proxy.port))), "\(seen)")
        #expect(seen.last.map { if case .reconnected = $0 { true } else { false } } == true, "\(seen)")
        let atMove = published.load(ordering: .relaxed)
        while published.load(ordering: .relaxed) < atMove + 5_000 { try await Task.sleep(for: .milliseconds(1)) }
        stop.store(true, ordering: .relaxed)
        let count = try await publishing.value
        try await publisher.flush()
        target.store(count, ordering: .releasing)
        try publisher.publish("ldm.burst", payload: ByteBuffer(string: "\(count - 1) again"))  // wakes a reader that has all
        try await publisher.flush()

        let timeout = Task {
            try? await Task.sleep(for: .seconds(15))
            subscription.unsubscribe()
        }
        let got = await received.value
        timeout.cancel()
        #expect(got == count, "lost \(count - got) of \(count) publishes")
        await publisher.close()
        await subscriber.close()
        await proxy.close()
        first.send(SIGKILL)  // a server in lame duck mode would sit out its grace period on SIGTERM
        first.stop()
    }
}
