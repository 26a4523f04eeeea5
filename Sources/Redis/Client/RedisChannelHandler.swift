import NIOCore

/// A command on its way to the server: its RESP bytes and the promise its reply completes.
struct RedisRequest: Sendable {
    let bytes: ByteBuffer
    let promise: EventLoopPromise<RedisReply>
}

/// Pipelining on one connection: each written command's promise joins a FIFO, and each reply
/// completes the oldest. When the channel ends, every command in flight fails; when the oldest
/// command gets no reply within the timeout, all in flight fail and the channel closes (later
/// replies could not be matched to their commands any more). One timer at most: it is set for
/// the oldest command's deadline and moved on when it fires early.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = RedisReply
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var inFlight = CircularBuffer<(promise: EventLoopPromise<RedisReply>, deadline: NIODeadline)>(initialCapacity: 16)
    private let timeout: TimeAmount
    private let peer: String
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, peer: String) {
        self.timeout = timeout
        self.peer = peer
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard context.channel.isActive else {
            request.promise.fail(RedisError(.connectionLost, "the connection to \(peer) is closed"))
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let deadline = context.eventLoop.now + timeout
        inFlight.append((request.promise, deadline))
        if timer == nil { scheduleTimer(context: context, at: deadline) }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let entry = inFlight.popFirst() else {
            // A reply nobody asked for: the stream is out of step.
            failAll(RedisError(.protocolError, "\(peer) sent a reply with no command in flight: \(reply)"))
            context.close(promise: nil)
            return
        }
        entry.promise.succeed(reply)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError(.connectionLost, "the connection to \(peer) was lost"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RedisError(.connectionLost, "the connection to \(peer) was closed"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure = (error as? RedisError) ?? RedisError(.connectionLost, "\(peer): \(error)")
        failAll(failure)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        timer?.cancel()
        timer = nil
        let pending = inFlight
        inFlight.removeAll()
        for entry in pending { entry.promise.fail(error) }
    }

    private func scheduleTimer(context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let oldest = inFlight.first else { return }
            guard oldest.deadline <= context.eventLoop.now else {
                scheduleTimer(context: context, at: oldest.deadline)
                return
            }
            failAll(RedisError(.timeout, "no reply from \(peer) within \(timeout.nanoseconds / 1_000_000) ms"))
            context.close(promise: nil)
        }
    }
}
