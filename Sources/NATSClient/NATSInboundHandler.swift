import NATSWire
import NIOCore
import NIOSSL
import NIOTLS

/// Hands decoded operations and the channel's end to the connection; a protocol error closes
/// the channel, which the connection answers by reconnecting.
final class NATSInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ServerOp

    private let connection: NATSConnection

    init(connection: NATSConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.channelReceived(unwrapInboundIn(data), from: context.channel)
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
