import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

extension NATSClusterTests {
    /// A server in lame duck mode still works: what the client already handed its channel goes
    /// to it, what was queued after goes to the next server, and a publisher going flat out across
    /// the move loses nothing, although the channel is backed up when the move begins.
    @Test func leavingALameDuckLosesNoPublishes() async throws {
        let cluster = try NATSCluster(size: 3, configuration: "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"20s\"")
        defer { cluster.stop() }
        let (first, second) = (cluster.nodes[0], cluster.nodes[1])
        let publisher = try await connectToFirstNode(of: cluster)
        let subscriber = try await second.connect()
        let subscription = try await subscriber.subscribe("ldm.burst", pendingLimits: .unlimited)
        try await subscriber.flush()
        // Interest reaches the first node over the route (bounded: 10 s).
        let probe = try await first.connect()
        #expect(try await receivesAcrossTheCluster(subscription, from: probe, subject: "ldm.burst")?.hasPrefix("hello") == true)
        await probe.close()

        let count = 50_000
        let received = Task {
            var seen = Set<Int>()
            for await message in subscription {
                if let index = Int(String(buffer: message.payload).prefix(while: \.isNumber)) { seen.insert(index) }
                if seen.count == count { break }
            }
            return seen.count
        }
        let published = Atomic(0)
        let padding = String(repeating: "x", count: 500)
        let publishing = Task {
            for index in 0..<count {
                let payload = ByteBuffer(string: "\(index) \(padding)")
                while true {
                    do {
                        try publisher.publish("ldm.burst", payload: payload)
                        break
                    } catch let error as NATSClientError where error.code == .reconnectBufferFull {
                        try await Task.sleep(for: .milliseconds(5))  // between servers: wait for the next
                    }
                }
                published.store(index + 1, ordering: .relaxed)
            }
        }
        while published.load(ordering: .relaxed) < count / 5 { try await Task.sleep(for: .milliseconds(1)) }
        // The node stops reading for a moment: the socket fills and the channel holds writes it
        // could not make yet when the lame-duck INFO comes (sent as the node goes on).
        first.pause()
        var stalled = published.load(ordering: .relaxed)
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(50))
            let now = published.load(ordering: .relaxed)
            if now == stalled { break }
            stalled = now
        }
        #expect(stalled < count, "the publisher waits for the paused node")
        #expect(first.send(SIGUSR2), "lame duck mode")
        first.resume()
        try await publishing.value
        #expect(published.load(ordering: .relaxed) == count)
        let moved = await events(of: publisher) { if case .reconnected = $0 { true } else { false } }
        #expect(moved.contains(.lameDuck(ServerAddress(host: "127.0.0.1", port: first.port))), "\(moved)")
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
        first.send(SIGKILL)  // a server in lame duck mode would sit out its grace period on SIGTERM
        first.stop()
    }
}
