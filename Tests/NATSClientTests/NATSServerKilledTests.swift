import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

/// The server SIGKILLed in the middle of a stream of publishes (no goodbye, in-flight bytes lost),
/// then started again on its port: the client comes back by itself, its subscription resumes,
/// what was published while the server was down is delivered, in order, and the stream goes on.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSServerKilledTests {
    @Test func killedMidStreamTheClientComesBackAndDeliversWhatItBuffered() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let client = try await server.connect {
            $0.reconnectDelay = .milliseconds(20)
            $0.maxReconnectDelay = .milliseconds(100)
        }
        var events = client.events.makeAsyncIterator()
        let subscription = try await client.subscribe("stream.>", pendingLimits: .unlimited)
        try await client.flush()
        let received = Mutex<[String]>([])
        let reader = Task {
            for await message in subscription {
                let text = String(buffer: message.payload)
                received.withLock { $0.append(text) }
                if text == "after-99" { break }
            }
        }

        // A stream the kill cuts: whatever was in flight may be lost (at most once).
        let stop = Atomic(false), sent = Atomic(0)
        let streaming = Task {
            var index = 0
            while !stop.load(ordering: .relaxed) {
                do {
                    try client.publish("stream.live", payload: ByteBuffer(string: "live-\(index)"))
                    index += 1
                    sent.store(index, ordering: .relaxed)
                } catch {
                    try await Task.sleep(for: .milliseconds(1))
                }
                if index % 100 == 0 { await Task.yield() }
            }
        }
        // Killed once the stream is seen to flow: some of it has come round.
        while received.withLock({ $0.count }) < 500 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(server.send(SIGKILL))
        stop.store(true, ordering: .relaxed)  // the cut is made; what follows waits for the next server
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        try await streaming.value
        #expect(await client.status() == .reconnecting)

        // Published while there is no server: buffered, then sent first thing after the reconnect.
        for index in 0..<500 { try client.publish("stream.buffered", payload: ByteBuffer(string: "buffered-\(index)")) }
        server.stop()  // reaps the killed process
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        for index in 0..<100 { try client.publish("stream.after", payload: ByteBuffer(string: "after-\(index)")) }
        try await client.flush()

        let timeout = Task {
            try? await Task.sleep(for: .seconds(10))
            subscription.unsubscribe()
        }
        await reader.value
        timeout.cancel()
        let texts = received.withLock { $0 }
        let live = texts.filter { $0.hasPrefix("live-") }
        #expect(live.count >= 500 && live.count <= sent.load(ordering: .relaxed), "\(live.count)")
        #expect(live.map { Int($0.dropFirst(5))! } == live.map { Int($0.dropFirst(5))! }.sorted(), "in order")
        let rest = texts.filter { !$0.hasPrefix("live-") }
        #expect(rest == (0..<500).map { "buffered-\($0)" } + (0..<100).map { "after-\($0)" }, "buffered first, all of them, in order")
        #expect(await client.statistics().reconnects == 1)
        await client.close()
    }
}
