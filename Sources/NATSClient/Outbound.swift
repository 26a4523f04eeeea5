import NATSWire
import NIOCore
import Synchronization

/// The bytes waiting to be written, shared by publishers (any thread) and the event loop.
/// Publishing appends under a lock and asks for one flush; the event loop writes everything that
/// piled up in one go, so a burst of publishes costs one syscall, not one per message. While
/// disconnected the bytes wait, up to a limit, for the next handshake.
final class Outbound: Sendable {
    struct State {
        var buffer = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        var connected = false
        var closed = false
        var flushScheduled = false
        var messages = 0
        var bytes = 0
    }

    let state = Mutex(State())
    let disconnectedLimit: Int

    init(disconnectedLimit: Int) { self.disconnectedLimit = disconnectedLimit }

    /// Appends `op`; returns true when the caller must schedule a flush on the event loop.
    func append(_ op: ClientOp, countsAsMessage payloadBytes: Int? = nil) throws(NATSClientError) -> Bool {
        try state.withLock { (state: inout State) throws(NATSClientError) -> Bool in
            guard !state.closed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
            let before = state.buffer.writerIndex
            do { try op.write(to: &state.buffer) } catch { throw NATSClientError(.invalidArgument, "\(error)") }
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
    }

    /// Everything waiting, taken out (on the event loop, to write it).
    func take() -> ByteBuffer? {
        state.withLock { state in
            state.flushScheduled = false
            guard state.buffer.readableBytes > 0 else { return nil }
            let bytes = state.buffer
            state.buffer.clear()
            return bytes
        }
    }

    /// The handshake is done: what waited goes out now, and later appends flush themselves.
    func connected() -> ByteBuffer? {
        state.withLock { $0.connected = true }
        return take()
    }

    func disconnected() { state.withLock { $0.connected = false } }

    func close() {
        state.withLock { state in
            state.closed = true
            state.connected = false
            state.buffer.clear()
        }
    }

    var isConnected: Bool { state.withLock { $0.connected } }
}
