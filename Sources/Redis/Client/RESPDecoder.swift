import NIOCore

/// Frames RESP replies with hiredis' reader: every byte read is handed to the reader at once (it
/// keeps partial replies), and every reply it completes goes up the pipeline.
struct RESPDecoder: ByteToMessageDecoder {
    typealias InboundOut = RedisReply

    private let reader = RESPReader()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try buffer.withUnsafeReadableBytes { try reader.feed($0) }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        // All of them now: with the buffer empty, the handler would not call `decode` again.
        while let reply = try reader.next() {
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A reply cut off by the end of the stream is dropped; its command fails as in flight.
        try decode(context: context, buffer: &buffer)
    }
}
