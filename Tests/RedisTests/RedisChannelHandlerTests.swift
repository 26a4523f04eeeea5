import NIOCore
import NIOEmbedded
import Testing

@testable import Redis

/// The pipelining FIFO on an `EmbeddedChannel`: no sockets, time advanced by hand.
@Suite struct RedisChannelHandlerTests {
    func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(RESPDecoder()), RedisChannelHandler(timeout: .seconds(1), peer: "test"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
        return channel
    }

    func send(_ command: [RedisArgument], on channel: EmbeddedChannel) throws -> EventLoopFuture<RedisReply> {
        let promise = channel.eventLoop.makePromise(of: RedisReply.self)
        channel.write(RedisRequest(bytes: try RESPCommand.format(command), promise: promise), promise: nil)
        channel.flush()
        return promise.futureResult
    }

    @Test func repliesCompleteCommandsInOrder() throws {
        let channel = try makeChannel()
        let first = try send(["GET", "a"], on: channel)
        let second = try send(["INCR", "b"], on: channel)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
        try channel.writeInbound(ByteBuffer(string: "$1\r\nx\r\n:"))
        #expect(try first.wait() == .bulk(ByteBuffer(string: "x")))
        try channel.writeInbound(ByteBuffer(string: "5\r\n"))
        #expect(try second.wait() == .integer(5))
        _ = try channel.finish()
    }

    @Test func aLostConnectionFailsEveryCommandInFlight() throws {
        let channel = try makeChannel()
        let futures = try (0..<3).map { _ in try send(["PING"], on: channel) }
        channel.pipeline.fireChannelInactive()
        for future in futures {
            #expect(throws: RedisError(.connectionLost, "the connection to test was lost")) { try future.wait() }
        }
        _ = try? channel.finish()
    }

    @Test func noReplyWithinTheTimeoutFailsAllAndCloses() throws {
        let channel = try makeChannel()
        let first = try send(["PING"], on: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        let second = try send(["PING"], on: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        #expect(throws: RedisError(.timeout, "no reply from test within 1000 ms")) { try first.wait() }
        #expect(throws: RedisError.self) { try second.wait() }
        #expect(!channel.isActive)
    }

    @Test func aReplyInTimeMovesTheTimerToTheNextCommand() throws {
        let channel = try makeChannel()
        let first = try send(["PING"], on: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        let second = try send(["PING"], on: channel)
        try channel.writeInbound(ByteBuffer(string: "+PONG\r\n"))
        #expect(try first.wait() == .status("PONG"))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))  // 1.1 s after the first, 0.5 s after the second
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "+PONG\r\n"))
        #expect(try second.wait() == .status("PONG"))
        _ = try channel.finish()
    }
}
