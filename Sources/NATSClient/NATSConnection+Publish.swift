public import NATSWire
public import NIOCore
import NIOPosix

extension NATSConnection {
    /// Publishes `payload` on `subject`. Publishes are written in batches, once per event-loop
    /// turn. While disconnected they wait (up to `reconnectBufferSize` bytes) for the next handshake.
    /// - Throws: `NATSClientError` for an invalid subject or header, a closed connection, or a full
    ///   reconnect buffer; nothing is sent then.
    public func publish(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil, replyTo: String? = nil
    ) throws(NATSClientError) {
        try payload.withUnsafeReadableBytes { bytes throws(NATSClientError) in
            try publish(subject, bytes: bytes, headers: headers, replyTo: replyTo)
        }
    }

    /// Publishes the bytes of `payload` (JSON a writer made, say), as `publish(_:payload:)` with a
    /// ByteBuffer, without making one: they are copied once, into the connection's write buffer.
    public func publish(
        _ subject: String, payload: [UInt8], headers: NATSHeaders? = nil, replyTo: String? = nil
    ) throws(NATSClientError) {
        // (Array's withUnsafeBytes rethrows untyped errors: the typed one is carried out.)
        let refused: NATSClientError? = payload.withUnsafeBytes { bytes in
            do throws(NATSClientError) {
                try publish(subject, bytes: bytes, headers: headers, replyTo: replyTo)
                return nil
            } catch {
                return error
            }
        }
        if let refused { throw refused }
    }

    private func publish(
        _ subject: String, bytes: UnsafeRawBufferPointer, headers: NATSHeaders?, replyTo: String?
    ) throws(NATSClientError) {
        // An event loop never waits for a full buffer (its own would never drain; another's could
        // wait on this one): only other threads do.
        if try outbound.appendPublish(
            subject, replyTo: replyTo, headers: headers, payload: bytes,
            mayWait: !eventLoop.inEventLoop && MultiThreadedEventLoopGroup.currentEventLoop == nil
        ).needsFlush {
            eventLoop.execute { self.flushOutbound() }
        }
    }
}
