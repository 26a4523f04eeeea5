@testable import NATSClient
import NATSWire
import NIOCore
import Testing

/// The write buffer between publishers and the event loop, without sockets.
@Suite struct OutboundTests {
    func connectedOutbound() -> Outbound {
        let outbound = Outbound(disconnectedLimit: 1 << 20, pendingLimit: 1 << 22)
        _ = outbound.connected()
        return outbound
    }

    func publish(_ outbound: Outbound, _ count: Int, size: Int = 100) throws {
        for _ in 0..<count { _ = try append(outbound, String(repeating: "x", count: size)) }
    }

    /// Appends a PUB of `text` to `subject`; whether a flush must be scheduled.
    func append(_ outbound: Outbound, _ text: String, to subject: String = "orders.created", replyTo: String? = nil) throws -> Bool {
        try Array(text.utf8).withUnsafeBytes {
            try outbound.appendPublish(subject, replyTo: replyTo, headers: nil, payload: $0, mayWait: false).needsFlush
        }
    }

    /// Which publishes went to the socket: those of the batches taken (a request's PUB still in
    /// the buffer when the connection drops waits for the next server instead of failing).
    @Test func aPublishIsTakenOnceItsBatchIs() throws {
        let outbound = connectedOutbound()
        let appendOne = {
            try Array("x".utf8).withUnsafeBytes {
                try outbound.appendPublish("a", replyTo: "_INBOX.1", headers: nil, payload: $0, mayWait: false)
            }
        }
        let first = try appendOne(), second = try appendOne()
        #expect(first.batch == second.batch && outbound.batchesTaken == first.batch, "nothing taken yet")
        #expect(outbound.take() != nil)
        #expect(outbound.batchesTaken > first.batch, "both went out with that batch")
        let third = try appendOne()
        #expect(third.batch == outbound.batchesTaken, "waits for the next batch")
        outbound.disconnected()
        let fourth = try appendOne()
        #expect(fourth.batch == third.batch && outbound.batchesTaken == third.batch, "kept for the next server")
        _ = outbound.connected()
        #expect(outbound.batchesTaken > fourth.batch, "gone with the handshake's batch")
    }

    /// `batches` batches of `messages` publishes, each taken as the event loop would.
    func publishAndTake(_ outbound: Outbound, batches: Int, messages: Int) throws {
        for _ in 0..<batches {
            try publish(outbound, messages)
            _ = outbound.take()
        }
    }

    func address(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withUnsafeReadableBytes { $0.baseAddress }
    }

    @Test func theFirstPublishAsksForOneFlushAndTakeHandsOverEverything() throws {
        let outbound = connectedOutbound()
        #expect(try append(outbound, "hello", to: "a.b"))
        #expect(try !append(outbound, "hello", to: "a.b", replyTo: "r"))
        let batch = try #require(outbound.take())
        #expect(String(buffer: batch) == "PUB a.b 5\r\nhello\r\nPUB a.b r 5\r\nhello\r\n")
        #expect(outbound.take() == nil)
        #expect(try append(outbound, "hello", to: "a.b"))
    }

    /// A batch the channel still holds is never written into: the batch after next gets storage
    /// of its own, and the held bytes stay as they were. (ByteBuffer's copy-on-write makes this
    /// hold for any use of its API; the test guards against reuse through unsafe pointers.)
    @Test func aBatchStillHeldIsLeftAlone() throws {
        let outbound = connectedOutbound()
        try publish(outbound, 2000)
        let first = try #require(outbound.take())
        let expected = Array(first.readableBytesView)
        try publish(outbound, 2000)
        let second = try #require(outbound.take())
        try publish(outbound, 2000, size: 50)
        let third = try #require(outbound.take())
        #expect(address(third) != address(first) && address(second) != address(first))
        #expect(Array(first.readableBytesView) == expected && expected.count == 2000 * 126)
        #expect(third.readableBytes == 2000 * 75)
    }

    @Test func storageIsReusedOnceEveryOtherHolderLetGo() throws {
        let outbound = connectedOutbound()
        try publish(outbound, 2000)
        var taken = try #require(outbound.take())
        let grown = taken.capacity
        let storage = address(taken)
        taken = ByteBuffer()  // the channel wrote it: its memory goes back to the connection's pool
        try publish(outbound, 2000)
        _ = try #require(outbound.take())
        try publish(outbound, 2000)
        let reused = try #require(outbound.take())
        #expect(address(reused) == storage)
        #expect(reused.capacity == grown && grown > Outbound.initialCapacity)
        #expect(reused.readableBytes == 2000 * 126)
    }

    /// After a burst, small batches let the grown buffers go.
    @Test func smallBatchesLetGrownBuffersGo() throws {
        let outbound = connectedOutbound()
        try publishAndTake(outbound, batches: 2, messages: 2000)
        try publishAndTake(outbound, batches: 3, messages: 10)
        try publish(outbound, 10)
        let small = try #require(outbound.take())
        #expect(small.capacity <= Outbound.initialCapacity)
        #expect(outbound.withLock { $0.buffer.pool.keptSizes.allSatisfy { $0 <= Outbound.initialCapacity } })
        #expect(outbound.withLock { !$0.holdsGrownStorage })
    }

    /// A batch larger than a full buffer (requests do not wait for room) is not kept for reuse.
    @Test func storagePastTheRecycleLimitIsNotKept() throws {
        let outbound = Outbound(disconnectedLimit: 1 << 20, pendingLimit: 64 * 1024)
        _ = outbound.connected()
        #expect(outbound.recycleLimit == 128 * 1024)
        try publish(outbound, 3000)  // ~370 KB: storage of 512 KiB
        var big = try #require(outbound.take())
        #expect(big.capacity > outbound.recycleLimit)
        big = ByteBuffer()  // written
        #expect(outbound.withLock { $0.buffer.pool.keptSizes.isEmpty })
        try publish(outbound, 700)  // ~86 KB: storage of 128 KiB, kept once written
        _ = try #require(outbound.take())
        #expect(outbound.withLock { $0.buffer.pool.keptSizes == [128 * 1024] })
    }

    /// An idle connection lets grown storage go; a busy one keeps it.
    @Test func trimLetsGrownStorageGoOnlyWhenIdle() throws {
        let outbound = connectedOutbound()
        try publishAndTake(outbound, batches: 2, messages: 2000)
        let takes = outbound.withLock { $0.takes }
        #expect(outbound.withLock { $0.holdsGrownStorage })
        try publishAndTake(outbound, batches: 1, messages: 2000)
        #expect(!outbound.trim(ifNoTakeSince: takes))  // busy meanwhile: kept
        #expect(outbound.withLock { $0.holdsGrownStorage })
        #expect(outbound.trim(ifNoTakeSince: takes + 1))
        #expect(outbound.withLock { !$0.holdsGrownStorage && $0.buffer.pool.keptSizes.isEmpty })
        // What waits is never dropped.
        try publish(outbound, 3)
        #expect(outbound.trim(ifNoTakeSince: takes + 1))
        #expect(try #require(outbound.take()).readableBytes == 3 * 126)
    }
}
