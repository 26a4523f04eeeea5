import Foundation
import NATSWire
import NIOCore

/// The bytes waiting to be written, shared by publishers (any thread) and the event loop.
/// Publishing appends under a lock and asks for one flush; the event loop writes everything that
/// piled up in one go, so a burst of publishes costs one syscall, not one per message. While
/// disconnected the bytes wait, up to a limit, for the next handshake. While connected, a
/// publisher that outruns the socket waits once `pendingLimit` bytes are queued (as nats.go's
/// publishers wait on a full buffer), so memory stays bounded.
final class Outbound: @unchecked Sendable {
    struct State: ~Copyable {
        var buffer: WireBuffer
        var connected = false
        var closed = false
        var flushScheduled = false
        var messages = 0
        var bytes = 0
        /// The server's `max_payload` (from INFO): larger messages are refused before sending.
        var maxPayload = Int.max
        /// Batches taken so far: a connection that took none for a while is idle.
        var takes = 0
        /// When the connection last lost (or left) its server, while it has none (uptime ns).
        var disconnectedAt: UInt64?

        /// Everything written, handed out whole; the next batch begins in memory the size this
        /// one needed, up to `recycleLimit`: a busy publisher's batches do not grow from 64 KiB
        /// again each time (the copies of growing were 6 % of a publish, perf, 128-byte
        /// messages); `trim(ifNoTakeSince:)` gives grown memory back on an idle connection.
        mutating func takeBatch(recycleLimit: Int) -> ByteBuffer? {
            let next = buffer.count > Outbound.initialCapacity ? min(buffer.capacity, recycleLimit) : Outbound.initialCapacity
            guard let taken = buffer.take(nextCapacity: next) else { return nil }
            takes += 1
            return taken
        }

        /// More than a fresh buffer's memory is held, waiting or kept.
        var holdsGrownStorage: Bool {
            buffer.capacity > Outbound.initialCapacity || buffer.pool.keptSizes.contains { $0 > Outbound.initialCapacity }
        }
    }

    // Guarded by `condition`. Behind a pointer, not a stored property: a class's stored `var`
    // pays Swift's dynamic exclusivity check on every access, a tenth of a publish's cost.
    private let state: UnsafeMutablePointer<State>
    private let condition = NSCondition()
    let disconnectedLimit: Int
    let pendingLimit: Int
    /// The largest storage kept for the next batch: a full buffer's (`pendingLimit`, grown in
    /// powers of two) and no more.
    let recycleLimit: Int

    init(disconnectedLimit: Int, pendingLimit: Int) {
        self.disconnectedLimit = disconnectedLimit
        self.pendingLimit = pendingLimit
        recycleLimit = max(Self.initialCapacity, 2 * pendingLimit)
        state = .allocate(capacity: 1)
        let pool = WirePool(keptLimit: recycleLimit)
        state.initialize(to: State(buffer: WireBuffer(capacity: Self.initialCapacity, pool: pool)))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(&state.pointee)
    }

    /// Appends a protocol operation (SUB, UNSUB, PING…: rare, so made in a ByteBuffer and copied;
    /// publishes go through `appendPublish`). It never waits for room and is not counted as a
    /// message.
    func append(_ op: ClientOp) throws(NATSClientError) -> Appended {
        condition.lock()
        defer { condition.unlock() }
        let before = try waitForRoom(false)
        var bytes = ByteBuffer()
        do { try op.write(to: &bytes, maxPayload: state.pointee.maxPayload) } catch { throw Self.clientError(error) }
        state.pointee.buffer.write(bytes)
        return Appended(needsFlush: try appended(since: before, payloadBytes: nil), batch: state.pointee.takes)
    }

    /// What appending an operation did.
    struct Appended {
        /// The caller must schedule a flush on the event loop.
        var needsFlush: Bool
        /// The batches taken before this publish: it goes out with the next one, so it has been
        /// handed to a socket once `batchesTaken` is past this number.
        var batch: Int
    }

    /// Appends a `PUB`/`HPUB` (the hot path: no `ClientOp` value, no closure) and counts it.
    /// - Parameter mayWait: false on an event loop, which must never block (asked only when the
    ///   buffer is full: the question costs a thread-local lookup).
    func appendPublish(
        _ subject: String, replyTo: String?, headers: NATSHeaders?, payload: UnsafeRawBufferPointer,
        mayWait: @autoclosure () -> Bool
    ) throws(NATSClientError) -> Appended {
        condition.lock()
        defer { condition.unlock() }
        let before = try waitForRoom(mayWait())
        do {
            try ClientOp.writePublish(
                subject: subject, replyTo: replyTo, headers: headers, payload: payload, to: &state.pointee.buffer,
                maxPayload: state.pointee.maxPayload)
        } catch {
            throw Self.clientError(error)
        }
        return Appended(needsFlush: try appended(since: before, payloadBytes: payload.count), batch: state.pointee.takes)
    }

    /// The batches taken out to be written so far (on the event loop, the only taker). A publish
    /// appended with `Appended.batch` below this went to a socket, and a socket that closes now
    /// may have lost it; until then it waits here for the next server.
    var batchesTaken: Int { withLock { $0.takes } }

    /// Waits (when allowed) while a full buffer drains; the writer index to roll back to. Locked.
    private func waitForRoom(_ mayWait: @autoclosure () -> Bool) throws(NATSClientError) -> Int {
        while state.pointee.connected, !state.pointee.closed, state.pointee.buffer.count >= pendingLimit, mayWait() {
            condition.wait()
        }
        guard !state.pointee.closed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
        return state.pointee.buffer.count
    }

    /// Checks the reconnect limit (rolling back to `before` past it), counts the message, and
    /// says whether the caller must schedule a flush. Locked.
    private func appended(since before: Int, payloadBytes: Int?) throws(NATSClientError) -> Bool {
        if !state.pointee.connected, state.pointee.buffer.count > disconnectedLimit {
            state.pointee.buffer.rollBack(to: before)
            throw NATSClientError(.reconnectBufferFull, "more than \(disconnectedLimit) bytes wait for a reconnect")
        }
        if let payloadBytes {
            state.pointee.messages += 1
            state.pointee.bytes += payloadBytes
        }
        guard state.pointee.connected, !state.pointee.flushScheduled else { return false }
        state.pointee.flushScheduled = true
        return true
    }

    private static func clientError(_ error: NATSProtocolError) -> NATSClientError {
        NATSClientError(error.code == .payloadTooLarge ? .maxPayloadExceeded : .invalidArgument, error.message)
    }

    /// Everything waiting, taken out whole (on the event loop, to write it): the memory itself is
    /// handed over, nothing is copied however much piled up. (Taking slices and compacting the
    /// rest copied the whole backlog per slice: quadratic, and a publisher that outran the socket
    /// stalled for seconds.) While connected, what waits here and what the socket has not taken
    /// yet stay near `pendingLimit` each (the event loop only takes again once the channel is
    /// writable).
    func take() -> ByteBuffer? {
        condition.lock()
        defer { condition.unlock() }
        state.pointee.flushScheduled = false
        guard let bytes = state.pointee.takeBatch(recycleLimit: recycleLimit) else { return nil }
        condition.broadcast()
        return bytes
    }

    static let initialCapacity = 64 * 1024

    var pendingBytes: Int { withLock { $0.buffer.count } }

    /// Lets grown storage go when no batch was taken since `takes` (an idle connection); false
    /// when the connection was busy meanwhile (nothing changes then).
    func trim(ifNoTakeSince takes: Int) -> Bool {
        withLock { state in
            guard state.takes == takes else { return false }
            state.buffer.shrink(to: Self.initialCapacity)
            state.buffer.pool.trim()
            return true
        }
    }

    /// The handshake is done: what waited goes out now, and later appends flush themselves.
    func connected() -> ByteBuffer? {
        withLock { state in
            state.connected = true
            state.disconnectedAt = nil
        }
        return take()
    }

    func disconnected() {
        withLock { state in
            state.connected = false
            if state.disconnectedAt == nil { state.disconnectedAt = NIODeadline.now().uptimeNanoseconds }
        }
        condition.broadcast()
    }

    func close() {
        withLock { state in
            state.closed = true
            state.connected = false
            state.buffer.rollBack(to: 0)
            state.buffer.shrink(to: 1)
            state.buffer.pool.trim()
        }
        condition.broadcast()
    }
}
