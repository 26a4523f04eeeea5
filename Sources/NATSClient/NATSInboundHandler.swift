import NATSWire
import NIOCore

/// Hands decoded operations and the channel's end to the connection; a protocol error closes
/// the channel, which the connection answers by reconnecting.
final class NATSInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ServerOp

    private let connection: NATSConnection

    init(connection: NATSConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.channelReceived(unwrapInboundIn(data), from: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.channelClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        connection.writabilityChanged(context.channel)
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
