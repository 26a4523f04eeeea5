public import NIOCore

/// Adapts the single-step decoder to NIO's `ByteToMessageDecoder`.
public struct NATSFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ServerOp
    public var decoder: NATSDecoder

    public init(decoder: NATSDecoder = NATSDecoder()) { self.decoder = decoder }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let op = try decoder.decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(op))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
