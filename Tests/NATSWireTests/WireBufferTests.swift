import NATSWire
import NIOCore
import Testing

/// The outbound buffer of our own memory, and the pool its batches go back to.
@Suite struct WireBufferTests {
    func write(_ text: String, to buffer: inout WireBuffer) {
        let bytes = Array(text.utf8)
        let room = buffer.reserve(bytes.count)
        room.copyBytes(from: bytes)
        buffer.commit(bytes.count)
    }

    @Test func takeHandsOverWhatWasWrittenAndStartsAgain() {
        var buffer = WireBuffer(capacity: 4, pool: WirePool(keptLimit: 1 << 20))
        #expect(buffer.take(nextCapacity: 4) == nil)
        write("PING\r\n", to: &buffer)  // grows past 4
        write("PONG\r\n", to: &buffer)
        #expect(buffer.count == 12 && buffer.capacity == 16)
        let taken = buffer.take(nextCapacity: 32)
        #expect(taken.map { String(buffer: $0) } == "PING\r\nPONG\r\n")
        #expect(buffer.count == 0 && buffer.capacity == 32)
        write("abc", to: &buffer)
        buffer.rollBack(to: 1)
        #expect(buffer.take(nextCapacity: 32).map { String(buffer: $0) } == "a")
    }

    /// What NIO does with a batch (copies, writes into a copy) works on the taken memory.
    @Test func aTakenBatchIsAnOrdinaryByteBuffer() {
        var buffer = WireBuffer(capacity: 64, pool: WirePool(keptLimit: 1 << 20))
        write("hello", to: &buffer)
        let taken = buffer.take(nextCapacity: 64)!
        var copy = taken
        copy.writeString(", world, and more than the 64 bytes it was given to hold: it grows")
        #expect(String(buffer: taken) == "hello")
        #expect(String(buffer: copy).hasPrefix("hello, world"))
        var moved = copy.getSlice(at: 0, length: 5)!
        moved.writeString("!")
        #expect(String(buffer: moved) == "hello!")
    }

    @Test func writtenBatchesComeBackToThePoolNewestKept() {
        let pool = WirePool(keptBlocks: 2, keptLimit: 1024)
        var buffer = WireBuffer(capacity: 256, pool: pool)
        var batches: [ByteBuffer] = []
        for _ in 0..<3 {
            write("x", to: &buffer)
            batches.append(buffer.take(nextCapacity: 256)!)
        }
        #expect(pool.keptSizes.isEmpty, "NIO still holds them")
        batches.removeAll()
        #expect(pool.keptSizes == [256, 256], "two kept, the oldest freed")
        // The next batch's memory is a kept block.
        write("y", to: &buffer)
        _ = buffer.take(nextCapacity: 256)
        #expect(pool.keptSizes == [256, 256], "one reused, and the batch just taken came back")
        // Smaller requests free what is more than twice their size; larger blocks than the limit are not kept.
        write("z", to: &buffer)
        _ = buffer.take(nextCapacity: 64)
        #expect(pool.keptSizes == [256])
        write(String(repeating: "w", count: 2000), to: &buffer)  // grows to 2048, past the limit
        _ = buffer.take(nextCapacity: 64)
        #expect(pool.keptSizes == [])
        pool.trim()
    }

    @Test func aBatchMayOutliveItsPool() {
        var batch: ByteBuffer?
        do {
            var buffer = WireBuffer(capacity: 64, pool: WirePool(keptLimit: 1024))
            write("late", to: &buffer)
            batch = buffer.take(nextCapacity: 64)
        }
        #expect(batch.map { String(buffer: $0) } == "late")
        batch = nil  // freed through the pool it still holds
    }

    @Test func publishesAreLaidOutAsInAByteBuffer() throws {
        var headers = NATSHeaders(status: nil)
        headers.add("Trace", "1")
        for (reply, fields) in [(nil, nil), ("_INBOX.x", nil), ("_INBOX.y", headers)] as [(String?, NATSHeaders?)] {
            var expected = ByteBuffer()
            var wire = WireBuffer(capacity: 8, pool: WirePool(keptLimit: 1024))
            let payload: [UInt8] = Array("payload".utf8)
            try payload.withUnsafeBytes { bytes in
                try ClientOp.writePublish(subject: "a.b", replyTo: reply, headers: fields, payload: bytes, to: &expected)
                try ClientOp.writePublish(subject: "a.b", replyTo: reply, headers: fields, payload: bytes, to: &wire)
            }
            #expect(wire.take(nextCapacity: 8).map { String(buffer: $0) } == String(buffer: expected))
        }
        var wire = WireBuffer(capacity: 8, pool: WirePool(keptLimit: 1024))
        #expect(throws: NATSProtocolError.self) {
            try [UInt8]("x".utf8).withUnsafeBytes { try ClientOp.writePublish(subject: "a b", replyTo: nil, headers: nil, payload: $0, to: &wire) }
        }
        #expect(wire.count == 0, "nothing is written for a refused publish")
    }
}
