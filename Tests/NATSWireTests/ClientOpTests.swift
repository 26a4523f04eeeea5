@testable import NATSWire
import NIOCore
import Testing

@Suite struct ClientOpTests {
    func bytes(_ op: ClientOp) throws -> String {
        var buffer = ByteBuffer()
        try op.write(to: &buffer)
        return String(buffer: buffer)
    }

    @Test func writesEveryClientOperation() throws {
        #expect(try bytes(.pub(subject: "a.b", replyTo: nil, headers: nil, payload: ByteBuffer(string: "hello"))) == "PUB a.b 5\r\nhello\r\n")
        #expect(try bytes(.pub(subject: "a.b", replyTo: "_INBOX.1", headers: nil, payload: ByteBuffer())) == "PUB a.b _INBOX.1 0\r\n\r\n")
        var headers: NATSHeaders = ["Trace": "1"]
        headers.add("Trace", "2")
        #expect(try bytes(.pub(subject: "a", replyTo: nil, headers: headers, payload: ByteBuffer(string: "hi")))
            == "HPUB a 32 34\r\nNATS/1.0\r\nTrace: 1\r\nTrace: 2\r\n\r\nhi\r\n")
        #expect(try bytes(.sub(subject: "orders.*", queue: "workers", sid: 7)) == "SUB orders.* workers 7\r\n")
        #expect(try bytes(.sub(subject: ">", queue: nil, sid: 1)) == "SUB > 1\r\n")
        #expect(try bytes(.unsub(sid: 7, max: 10)) == "UNSUB 7 10\r\n")
        #expect(try bytes(.unsub(sid: 7, max: nil)) == "UNSUB 7\r\n")
        #expect(try bytes(.ping) == "PING\r\n")
        #expect(try bytes(.pong) == "PONG\r\n")
    }

    @Test func connectCarriesTheOptionsAsJSON() throws {
        var info = ConnectInfo(name: "svc")
        info.user = "u"
        let text = try bytes(.connect(info))
        #expect(text.hasPrefix("CONNECT {") && text.hasSuffix("}\r\n"))
        for part in [#""headers":true"#, #""no_responders":true"#, #""verbose":false"#, #""pedantic":false"#, #""lang":"swift""#, #""name":"svc""#, #""user":"u""#] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(!text.contains("auth_token"))
    }

    @Test func invalidArgumentsWriteNothing() {
        for op: ClientOp in [
            .pub(subject: "a b", replyTo: nil, headers: nil, payload: ByteBuffer()),
            .pub(subject: "", replyTo: nil, headers: nil, payload: ByteBuffer()),
            .pub(subject: "a", replyTo: "r\r\n", headers: nil, payload: ByteBuffer()),
            .pub(subject: "a", replyTo: nil, headers: ["Bad Name": "v"], payload: ByteBuffer()),
            .pub(subject: "a", replyTo: nil, headers: ["K": "v\r\nPUB x 0"], payload: ByteBuffer()),
            .sub(subject: "a", queue: "q q", sid: 1),
        ] {
            var buffer = ByteBuffer()
            #expect(throws: NATSProtocolError.self) { try op.write(to: &buffer) }
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func whatTheClientWritesTheDecoderReads() throws {
        var headers = NATSHeaders(status: 503, description: "No Responders")
        headers.add("K", "v: with colon")
        var buffer = ByteBuffer()
        try ClientOp.pub(subject: "s", replyTo: "r", headers: headers, payload: ByteBuffer(string: "x")).write(to: &buffer)
        // A server relays HPUB as HMSG with the subscription id after the subject.
        var relayed = ByteBuffer(string: String(buffer: buffer).replacingOccurrences(of: "HPUB s r", with: "HMSG s 9 r"))
        var decoder = NATSDecoder()
        guard case .msg(let message)? = try decoder.decode(buffer: &relayed) else {
            Issue.record("no message")
            return
        }
        #expect(message.headers == headers)
        #expect(message.replyTo == "r" && message.sid == 9 && String(buffer: message.payload) == "x")
    }

    /// The word-at-a-time check against the byte rule, for every byte value at every position of
    /// tokens 1 to 19 bytes long (the short path, one word, several words, a tail after words).
    @Test func tokenCheckMatchesTheByteRule() {
        func byteRule(_ bytes: [UInt8]) -> Bool { !bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F } }
        #expect(![UInt8]().withUnsafeBytes(ClientOp.isValidToken))
        var mismatches: [([UInt8])] = []
        for length in 1...19 {
            for position in 0..<length {
                for value in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "k"), count: length)
                    bytes[position] = value
                    if bytes.withUnsafeBytes(ClientOp.isValidToken) != byteRule(bytes) { mismatches.append(bytes) }
                }
            }
        }
        #expect(mismatches.isEmpty)
        // Several bad bytes, and multi-byte UTF-8 beside the limits.
        for token in ["a\u{7F}b\tc", "\u{0}", "é.ü.>", "orders.*.\u{80}x", "x\u{21}\u{7E}\u{20}"] {
            #expect(Array(token.utf8).withUnsafeBytes(ClientOp.isValidToken) == byteRule(Array(token.utf8)), "\(token)")
        }
    }
}
