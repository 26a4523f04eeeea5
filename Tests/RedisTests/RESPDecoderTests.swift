import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import Redis

@Suite struct RESPDecoderTests {
    static let cases: [(String, [RedisReply])] = [
        ("+OK\r\n", [.status("OK")]),
        ("-ERR unknown command 'FOO'\r\n", [.error("ERR unknown command 'FOO'")]),
        (":-42\r\n", [.integer(-42)]),
        ("$5\r\nhello\r\n", [.bulk(ByteBuffer(string: "hello"))]),
        ("$0\r\n\r\n", [.bulk(ByteBuffer())]),
        ("$4\r\na\r\nb\r\n", [.bulk(ByteBuffer(string: "a\r\nb"))]),
        ("$-1\r\n", [.null]),
        ("*-1\r\n", [.null]),
        ("*0\r\n", [.array([])]),
        ("*3\r\n:1\r\n$-1\r\n*2\r\n+a\r\n-b\r\n", [.array([.integer(1), .null, .array([.status("a"), .error("b")])])]),
        ("+PONG\r\n:7\r\n$1\r\nx\r\n", [.status("PONG"), .integer(7), .bulk(ByteBuffer(string: "x"))]),
    ]

    @Test func decodesEveryReplyTypeInEverySplit() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: Self.cases.map { (ByteBuffer(string: $0.0), $0.1) },
            decoderFactory: { RESPDecoder() })
    }

    @Test func binaryBulkStringsKeepEveryByte() throws {
        let bytes: [UInt8] = [0, 255, 13, 10, 36, 128]
        var input = ByteBuffer(string: "$6\r\n")
        input.writeBytes(bytes)
        input.writeString("\r\n")
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, [.bulk(ByteBuffer(bytes: bytes))])], decoderFactory: { RESPDecoder() })
    }

    @Test func garbageIsAProtocolError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
        #expect(throws: RedisError.self) { try channel.writeInbound(ByteBuffer(string: "?what\r\n")) }
        _ = try? channel.finish()
    }

    @Test func replyAccessors() {
        #expect(RedisReply.bulk(ByteBuffer(string: "12")).integer == 12)
        #expect(RedisReply.integer(3).integer == 3)
        #expect(RedisReply.status("OK").isOK)
        #expect(RedisReply.bulk(ByteBuffer(string: "hi")).string == "hi")
        #expect(RedisReply.null.string == nil)
        #expect(RedisReply.null.isNull)
        #expect(RedisReply.array([.integer(1)]).array == [.integer(1)])
        #expect(RedisReply.array([.status("OK"), .null, .error("ERR x")]).description == "[+OK, (nil), -ERR x]")
    }
}
