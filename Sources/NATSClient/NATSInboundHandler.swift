import NATSWire
import NIOCore
import NIOSSL
import NIOTLS

/// Decodes what the channel reads and hands each operation, and the channel's end, to the
/// connection; a protocol error closes the channel, which the connection answers by reconnecting.
final class NATSInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let connection: NATSConnection
    /// After a protocol error it ignores the rest of this channel's bytes (more can come while
    /// the channel closes, during a TLS shutdown).
    private var reader = ServerOpReader()

    init(connection: NATSConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.append(unwrapInboundIn(data))
        let channel = context.channel
        do {
            while let op = try reader.next() {
                let isInfo = if case .info = op { true } else { false }
                connection.channelReceived(op, from: channel)
                // After the INFO that starts TLS the server says nothing until the client's
                // handshake, so bytes read behind it in the clear are someone else's: decoded,
                // they would pass for the server's (an INFO naming other servers, an -ERR).
                if isInfo, reader.unreadBytes > 0, connection.awaitsTLSHandshake(on: channel) {
                    let bytes = reader.unreadBytes
                    reader.fail()
                    throw NATSProtocolError(.plaintextBeforeTLS, "\(bytes) bytes in the clear after the INFO that starts TLS")
                }
            }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.wakeReaders()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.channelClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        connection.writabilityChanged(context.channel)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { connection.tlsHandshakeCompleted(on: context.channel) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.channelFailed(context.channel, error)
        context.close(promise: nil)
    }
}
