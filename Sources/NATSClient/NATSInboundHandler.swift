import NATSWire
import NIOCore

/// Adapts the single-step decoder to NIO's `ByteToMessageDecoder`.
struct NATSFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ServerOp
    var decoder = NATSDecoder()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let op = try decoder.decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(op))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
