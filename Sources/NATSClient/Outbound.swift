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
    struct State {
        var buffer = ByteBufferAllocator().buffer(capacity: Outbound.initialCapacity)
        var connected = false
        var closed = false
        var flushScheduled = false
        var messages = 0
        var bytes = 0
        /// The server's `max_payload` (from INFO): larger messages are refused before sending.
        var maxPayload = Int.max
    }

    // Guarded by `condition`.
    private var state = State()
    private let condition = NSCondition()
    let disconnectedLimit: Int
    let pendingLimit: Int

    init(disconnectedLimit: Int, pendingLimit: Int) {
        self.disconnectedLimit = disconnectedLimit
        self.pendingLimit = pendingLimit
    }

    func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(&state)
    }

    /// Appends `op`; returns true when the caller must schedule a flush on the event loop.
    /// - Parameter mayWait: false on the event loop, which must never block.
    func append(_ op: ClientOp, countsAsMessage payloadBytes: Int? = nil, mayWait: Bool = false) throws(NATSClientError) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while mayWait, state.connected, !state.closed, state.buffer.readableBytes >= pendingLimit {
            condition.wait()
        }
        guard !state.closed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
        let before = state.buffer.writerIndex
        do { try op.write(to: &state.buffer, maxPayload: state.maxPayload) } catch {
            throw NATSClientError(error.code == .payloadTooLarge ? .maxPayloadExceeded : .invalidArgument, error.message)
        }
        if !state.connected, state.buffer.readableBytes > disconnectedLimit {
            state.buffer.moveWriterIndex(to: before)
            throw NATSClientError(.reconnectBufferFull, "more than \(disconnectedLimit) bytes wait for a reconnect")
        }
        if let payloadBytes {
            state.messages += 1
            state.bytes += payloadBytes
        }
        guard state.connected, !state.flushScheduled else { return false }
        state.flushScheduled = true
        return true
    }

    /// Everything waiting, taken out whole (on the event loop, to write it). The buffer itself is
    /// handed over and a new one begins: nothing is copied however much piled up. (Taking slices
    /// and compacting the rest copied the whole backlog per slice: quadratic, and a publisher
    /// that outran the socket stalled for seconds.) At most twice `pendingLimit` is held: what
    /// waits here, and what the socket has not taken yet, since the event loop only takes again
    /// once the channel is writable.
    func take() -> ByteBuffer? {
        condition.lock()
        defer { condition.unlock() }
        state.flushScheduled = false
        guard state.buffer.readableBytes > 0 else { return nil }
        let bytes = state.buffer
        state.buffer = ByteBufferAllocator().buffer(capacity: Self.initialCapacity)
        condition.broadcast()
        return bytes
    }

    static let initialCapacity = 64 * 1024

    var pendingBytes: Int { withLock { $0.buffer.readableBytes } }

    /// The handshake is done: what waited goes out now, and later appends flush themselves.
    func connected() -> ByteBuffer? {
        withLock { $0.connected = true }
        return take()
    }

    func disconnected() {
        withLock { $0.connected = false }
        condition.broadcast()
    }

    func close() {
        withLock { state in
            state.closed = true
            state.connected = false
            state.buffer.clear()
        }
        condition.broadcast()
    }
}
