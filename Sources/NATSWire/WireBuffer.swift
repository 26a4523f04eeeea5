@_spi(CustomByteBufferAllocator) public import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes waiting to go out, in memory of its own that grows as needed, written with plain stores;
/// `take` hands them to NIO as a ByteBuffer that owns the memory from then on, without a copy.
///
/// A publish lays itself out in one reservation either way, but in a ByteBuffer the reservation
/// costs a uniqueness check and dynamic exclusivity checks on its class storage (perf: 7–9 % of
/// a 128-byte publish). Here it costs a compare.
///
/// Not thread-safe: its owner serializes access (the client's outbound lock).
public struct WireBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    public private(set) var capacity: Int
    /// Bytes written and not yet taken.
    public private(set) var count = 0
    /// Where its memory comes from, and where the memory of batches NIO has written goes back to.
    public let pool: WirePool

    public init(capacity: Int, pool: WirePool) {
        self.pool = pool
        self.capacity = Swift.max(capacity, 1)
        base = pool.allocate(self.capacity)
    }

    deinit { WirePool.release(base) }

    /// Room for `bytes` more bytes, growing (doubling) when needed; commit what was written with `commit(_:)`.
    @inline(__always)
    public mutating func reserve(_ bytes: Int) -> UnsafeMutableRawBufferPointer {
        if capacity - count < bytes { grow(toFit: count + bytes) }
        return UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count)
    }

    @inline(__always)
    public mutating func commit(_ bytes: Int) {
        precondition(bytes >= 0 && count + bytes <= capacity, "commit past the reservation")
        count += bytes
    }

    /// Forgets what was written after `count` bytes (a write refused after the fact).
    public mutating func rollBack(to count: Int) {
        precondition(count >= 0 && count <= self.count, "roll back past the written bytes")
        self.count = count
    }

    /// Appends the readable bytes of `buffer`.
    public mutating func write(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            reserve(bytes.count).baseAddress!.copyMemory(from: source, byteCount: bytes.count)
            commit(bytes.count)
        }
    }

    /// What was written, as a ByteBuffer that takes the memory over (and gives it back to `pool`
    /// once NIO lets go of it); the next bytes go to memory of `nextCapacity` bytes. Nil, and
    /// nothing changes, when nothing was written.
    public mutating func take(nextCapacity: Int) -> ByteBuffer? {
        guard count > 0 else { return nil }
        let taken = ByteBuffer(
            takingOwnershipOf: UnsafeMutableRawBufferPointer(start: base, count: capacity), allocator: WirePool.allocator,
            writerIndex: count)
        capacity = Swift.max(nextCapacity, 1)
        base = pool.allocate(capacity)
        count = 0
        return taken
    }

    /// Gives grown memory back: `capacity` bytes from now on. Only while nothing waits.
    public mutating func shrink(to capacity: Int) {
        guard count == 0, capacity < self.capacity else { return }
        WirePool.release(base)
        self.capacity = Swift.max(capacity, 1)
        base = pool.allocate(self.capacity)
    }

    private mutating func grow(toFit needed: Int) {
        var grown = capacity
        while grown < needed { grown *= 2 }
        base = WirePool.reallocate(base, grown)
        capacity = grown
    }
}

/// The memory of one connection's `WireBuffer` and of the batches it hands to NIO: malloc's, each
/// block with a header (its size, and the pool it goes back to), and the last blocks NIO let go
/// kept for the next batches, so that a busy connection writes to warm pages instead of faulting
/// in fresh ones (page faults and zeroing were about 3 % of a publish without them).
///
/// A block in use holds its pool (retained in the header), so a batch NIO frees after the
/// connection is gone still finds it; kept blocks do not, and go with the pool.
public final class WirePool: Sendable {
    /// A block's memory (after its header) and size. Only the pool holds it: sendable.
    private struct Block: @unchecked Sendable {
        let memory: UnsafeMutableRawPointer
        let size: Int
    }

    private static let header = 16
    private let kept = Mutex<[Block]>([])
    /// Blocks kept at most; the oldest goes when another comes back.
    let keptBlocks: Int
    /// Larger blocks are freed, not kept.
    let keptLimit: Int

    public init(keptBlocks: Int = 2, keptLimit: Int) {
        self.keptBlocks = keptBlocks
        self.keptLimit = keptLimit
    }

    deinit {
        for block in kept.withLock({ $0 }) { free(block.memory - Self.header) }
    }

    /// The sizes of the blocks kept for reuse, oldest first.
    public var keptSizes: [Int] { kept.withLock { $0.map(\.size) } }

    /// Frees the kept blocks (an idle connection's).
    public func trim() {
        let blocks = kept.withLock { kept in
            defer { kept.removeAll() }
            return kept.map(\.memory)
        }
        for memory in blocks { free(memory - Self.header) }
    }

    /// `bytes` bytes: the newest kept block of that size or up to twice it, or new memory. Kept
    /// blocks larger than that are freed: a batch that needs less says the burst is over.
    func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let (reused, larger) = kept.withLock { kept -> (Block?, [Block]) in
            let larger = kept.filter { $0.size > 2 * bytes }
            kept.removeAll { $0.size > 2 * bytes }
            guard let index = kept.lastIndex(where: { $0.size >= bytes }) else { return (nil, larger) }
            return (kept.remove(at: index), larger)
        }
        for block in larger { free(block.memory - Self.header) }
        let memory = reused?.memory ?? Self.unpooled(bytes)
        (memory - Self.header).storeBytes(of: Unmanaged.passRetained(self).toOpaque(), toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        return memory
    }

    /// Back from use: kept (the newest `keptBlocks` up to `keptLimit` bytes each) or freed.
    private func give(_ block: Block) {
        let evicted = kept.withLock { kept -> [Block] in
            guard block.size <= keptLimit else { return [block] }
            kept.append(block)
            guard kept.count > keptBlocks else { return [] }
            return [kept.removeFirst()]
        }
        for block in evicted { free(block.memory - Self.header) }
    }

    /// Memory with a header and no pool (what NIO allocates through the hooks).
    private static func unpooled(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let block = malloc(header + bytes) else { fatalError("out of memory for \(bytes) bytes of outbound data") }
        block.storeBytes(of: bytes, as: Int.self)
        block.storeBytes(of: nil, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        return block + header
    }

    static func reallocate(_ memory: UnsafeMutableRawPointer, _ bytes: Int) -> UnsafeMutableRawPointer {
        guard let block = realloc(memory - header, header + bytes) else {
            fatalError("out of memory growing outbound data to \(bytes) bytes")
        }
        block.storeBytes(of: bytes, as: Int.self)
        return block + header
    }

    /// Memory from `allocate` (or the hooks) that is no longer used.
    static func release(_ memory: UnsafeMutableRawPointer) {
        let block = memory - header
        let size = block.load(as: Int.self)
        guard let owner = block.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self) else {
            free(block)
            return
        }
        Unmanaged<WirePool>.fromOpaque(owner).takeRetainedValue().give(Block(memory: memory, size: size))
    }

    /// The hooks of the ByteBuffers `WireBuffer.take` makes: they free (or grow) the memory as it
    /// was allocated.
    static let allocator = ByteBufferAllocator(
        allocate: { WirePool.unpooled(Int($0)) },
        reallocate: { memory, _, size in memory.map { WirePool.reallocate($0, Int(size)) } ?? WirePool.unpooled(Int(size)) },
        deallocate: { WirePool.release($0) },
        copy: { $0.copyMemory(from: $1, byteCount: Int($2)) }
    )
}
