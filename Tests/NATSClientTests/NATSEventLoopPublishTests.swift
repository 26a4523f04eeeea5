import NATSClient
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TestSupport

@Suite struct NATSEventLoopPublishTests {
    /// A publisher on an event loop never waits for a full write buffer, not even another
    /// connection's: that connection's loop could be waiting on this one, and every connection of
    /// this loop would stop meanwhile. (A handler on the event loop, or a task handed a reply there
    /// by `EventLoopExecutor.Mode.replies`, publishing to a connection whose server is slow.)
    @Test func anEventLoopDoesNotWaitForAnotherConnectionsFullBuffer() async throws {
        let frozen = try NATSServer()
        defer { frozen.stop() }
        let live = try NATSServer()
        defer { live.stop() }
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (first, second) = (loops.next(), loops.next())
        #expect(first !== second)
        let target = try await NATSConnection.connect(frozen.options { $0.maxPendingBytes = 1 << 20 }, eventLoopGroup: first)
        let trigger = try await NATSConnection.connect(live.options(), eventLoopGroup: second)
        frozen.pause()
        let finished = Finished()
        let payload = ByteBuffer(repeating: 0x61, count: 1024)
        let total = 50_000  // 50 MiB: past what the sockets hold while the server is frozen
        let handler = try await trigger.subscribe("go") { _ in
            for _ in 0..<total { try? target.publish("flood", payload: payload) }
            finished.flag.store(true, ordering: .releasing)
        }
        try trigger.publish("go")
        for _ in 0..<100 where !finished.flag.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(100)) }
        let wentOn = finished.flag.load(ordering: .acquiring)
        #expect(wentOn, "the handler's loop went on past the full buffer (10 s bound)")
        frozen.resume()
        try await target.flush()
        #expect(await target.statistics().outMessages == total)
        handler.unsubscribe()
        await trigger.close()
        await target.close()
        try await loops.shutdownGracefully()
    }
}
