import NATSWire
import NIOCore
import TestSupport
import Testing

@Suite struct NATSDecoderTests {
    static let info = #"INFO {"server_id":"NABC","server_name":"n1","version":"2.10.1","proto":1,"headers":true,"max_payload":1048576,"connect_urls":["10.0.0.2:4222"],"ldm":true,"nonce":"abc"}"# + "\r\n"

    func decodeAll(_ text: String, decoder: NATSDecoder = NATSDecoder()) throws -> [ServerOp] {
        var decoder = decoder
        var buffer = ByteBuffer(string: text)
        var ops: [ServerOp] = []
        while let op = try decoder.decode(buffer: &buffer) { ops.append(op) }
        #expect(buffer.readableBytes == 0, "left over: \(String(buffer: buffer))")
        return ops
    }

    @Test func decodesEveryServerOperation() throws {
        let ops = try decodeAll(Self.info + "PING\r\nPONG\r\n+OK\r\n-ERR 'Authorization Violation'\r\n"
            + "MSG orders.created 7 5\r\nhello\r\n" + "MSG a.b 12 _INBOX.x.1 0\r\n\r\n"
            + "HMSG a.b 3 _INBOX.x.2 32 34\r\nNATS/1.0\r\nTrace: 1\r\nTrace: 2\r\n\r\nhi\r\n"
            + "HMSG _INBOX.x.3 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n")
        #expect(ops.count == 9)
        guard case .info(let info) = ops[0] else { Issue.record("not INFO: \(ops[0])"); return }
        #expect(info.serverID == "NABC" && info.headers && info.maxPayload == 1_048_576)
        #expect(info.connectURLs == ["10.0.0.2:4222"] && info.lameDuckMode && info.nonce == "abc")
        #expect(Array(ops[1...3]) == [.ping, .pong, .ok])
        #expect(ops[4] == .err("Authorization Violation"))
        #expect(ops[5] == .msg(InboundMessage(subject: "orders.created", sid: 7, payload: ByteBuffer(string: "hello"))))
        #expect(ops[6] == .msg(InboundMessage(subject: "a.b", sid: 12, replyTo: "_INBOX.x.1", payload: ByteBuffer())))
        guard case .msg(let withHeaders) = ops[7], case .msg(let noResponders) = ops[8] else { return }
        #expect(withHeaders.headers?.values("Trace") == ["1", "2"])
        #expect(withHeaders.headers?["Trace"] == "1")
        #expect(String(buffer: withHeaders.payload) == "hi")
        #expect(noResponders.headers?.status == 503 && noResponders.payload.readableBytes == 0)
    }

    @Test func headerBlocksKeepNonASCIIDescriptionsAndValues() throws {
        func hmsg(_ block: String) -> String { "HMSG s 1 \(block.utf8.count) \(block.utf8.count + 2)\r\n\(block)ok\r\n" }
        let ops = try decodeAll(hmsg("NATS/1.0 409 Überlastet – später\r\nGreeting: Grüße\r\n\r\n"))
        guard case .msg(let message) = ops.first else { Issue.record("not a message: \(ops)"); return }
        #expect(message.headers?.status == 409 && message.headers?.statusDescription == "Überlastet – später")
        #expect(message.headers?["Greeting"] == "Grüße" && String(buffer: message.payload) == "ok")
    }

    /// A header block that cannot be read (a name is a token of visible ASCII; the block starts
    /// with NATS/1.0 and a status of three digits) costs the message its headers, not the stream:
    /// the framing still holds, and what follows is read as usual.
    @Test func malformedHeaderBlocksLoseTheirHeadersNotTheStream() throws {
        func hmsg(_ block: String) -> String { "HMSG s 1 \(block.utf8.count) \(block.utf8.count + 2)\r\n\(block)ok\r\n" }
        let blocks = [
            ("NATS/1.0\r\nGruß: x\r\n\r\n", "invalid header name 'Gruß'"), ("hello", "does not start with NATS/1.0"),
            ("NATS/1.0 40x\r\n\r\n", "invalid status line"), ("NATS/1.0\r\nno colon\r\n\r\n", "without ':'"),
        ]
        for (block, reason) in blocks {
            let ops = try decodeAll(hmsg(block) + "PING\r\n")
            guard ops.count == 2, case .malformedHeaders(let message, let why) = ops[0] else {
                Issue.record("\(block.debugDescription): \(ops)")
                continue
            }
            #expect(message.headers == nil && String(buffer: message.payload) == "ok" && message.subject == "s")
            #expect(why.contains(reason), "\(why)")
            #expect(ops[1] == .ping)
        }
    }

    @Test func operationsAreCaseInsensitive() throws {
        #expect(try decodeAll("ping\r\nPoNg\r\nmsg s 1 2\r\nok\r\n") == [.ping, .pong, .msg(InboundMessage(subject: "s", sid: 1, payload: ByteBuffer(string: "ok")))])
    }

    @Test func splitsAtEveryByteGiveTheSameOperations() throws {
        let stream = Self.info + "MSG a 1 _R 11\r\nhello world\r\nHMSG b 2 24 27\r\nNATS/1.0 408 Timeout\r\n\r\nabc\r\nPING\r\n"
        let expected = try decodeAll(stream)
        let bytes = Array(stream.utf8)
        for split in 1..<bytes.count {
            var decoder = NATSDecoder()
            var buffer = ByteBuffer(bytes: bytes[..<split])
            var ops: [ServerOp] = []
            while let op = try decoder.decode(buffer: &buffer) { ops.append(op) }
            buffer.writeBytes(bytes[split...])
            while let op = try decoder.decode(buffer: &buffer) { ops.append(op) }
            #expect(ops == expected, "split at \(split)")
        }
    }

    /// Reads of random sizes through `ServerOpReader`: the same operations as one decode of the
    /// whole stream, a payload split over many reads included, and nothing left over.
    @Test func readerGivesTheSameOperationsForAnyReads() throws {
        let big = String(repeating: "0123456789", count: 800)
        let stream = Self.info + "MSG a 1 _R 11\r\nhello world\r\nPING\r\n" + "MSG big 2 \(big.utf8.count)\r\n\(big)\r\n"
            + "HMSG b 2 24 27\r\nNATS/1.0 408 Timeout\r\n\r\nabc\r\n+OK\r\n" + "MSG c 3 0\r\n\r\n"
        let expected = try decodeAll(stream)
        #expect(expected.count == 7)
        let bytes = Array(stream.utf8)
        var random = SeededGenerator(seed: 7)
        for round in 0..<120 {
            var reader = ServerOpReader()
            var ops: [ServerOp] = []
            var start = 0
            let largest = [3, 40, 1500, 20_000][round % 4]
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % UInt64(largest)))
                reader.append(ByteBuffer(bytes: bytes[start..<end]))
                while let op = try reader.next() { ops.append(op) }
                start = end
            }
            #expect(ops == expected, "round \(round)")
            #expect(reader.unreadBytes == 0)
        }
    }

    @Test func readerKeepsAPartialOperationForTheNextRead() throws {
        var reader = ServerOpReader()
        reader.append(ByteBuffer(string: "PING\r\nMSG a 1 5\r\nhel"))
        #expect(try reader.next() == .ping)
        #expect(try reader.next() == nil)
        #expect(reader.unreadBytes == 14)
        // The message decoded first keeps its payload when the bytes after it are compacted.
        reader.append(ByteBuffer(string: "lo\r\nMSG b 2 2\r\nok\r\nPO"))
        let first = try reader.next()
        #expect(first == .msg(InboundMessage(subject: "a", sid: 1, payload: ByteBuffer(string: "hello"))))
        reader.append(ByteBuffer(string: "NG\r\n"))
        #expect(try reader.next() == .msg(InboundMessage(subject: "b", sid: 2, payload: ByteBuffer(string: "ok"))))
        #expect(try reader.next() == .pong)
        #expect(first == .msg(InboundMessage(subject: "a", sid: 1, payload: ByteBuffer(string: "hello"))))
        #expect(try reader.next() == nil && reader.unreadBytes == 0)
        reader.append(ByteBuffer(string: "FOO\r\nPING\r\n"))
        #expect(throws: NATSProtocolError.self) { try reader.next() }
        // Nothing after a protocol error counts: neither what followed it nor what comes next.
        #expect(reader.failed && reader.unreadBytes == 0)
        #expect(try reader.next() == nil)
        reader.append(ByteBuffer(string: "PONG\r\n"))
        #expect(try reader.next() == nil && reader.unreadBytes == 0)
    }

    /// A rule the decoder cannot see (plaintext where TLS must start) fails the reader the same way.
    @Test func aFailedReaderIgnoresWhatWaitsAndWhatComes() throws {
        var reader = ServerOpReader()
        reader.append(ByteBuffer(string: "INFO {\"server_id\":\"x\",\"version\":\"2\",\"proto\":1}\r\n-ERR 'injected'\r\n"))
        guard case .info = try reader.next() else {
            Issue.record("INFO first")
            return
        }
        #expect(reader.unreadBytes == 17)
        reader.fail()
        #expect(reader.failed && reader.unreadBytes == 0)
        #expect(try reader.next() == nil)
        reader.append(ByteBuffer(string: "PING\r\n"))
        #expect(try reader.next() == nil && reader.unreadBytes == 0)
    }

    @Test func protocolViolationsThrow() {
        let cases = [
            "FOO bar\r\n", "MSG a\r\n", "MSG a x 3\r\nabc\r\n", "MSG a 1 -1\r\n", "MSG a 1 3\r\nabcd\r\n",
            "HMSG a 1 10 5\r\n0123456789\r\n", "INFO {not json\r\n",
            "MSG a 1 r x 3\r\nabc\r\n", "HMSG a 1 r 1 2 3\r\n", "MSG a 99999999999999999999 3\r\nabc\r\n", "MSG a +1 3\r\nabc\r\n",
            "MSG a 1 3x\r\nabc\r\n", "CONNECT {}\r\n", "MS\r\n",
        ]
        for text in cases {
            #expect(throws: NATSProtocolError.self, "\(text.debugDescription)") { _ = try decodeAll(text) }
        }
        #expect(throws: NATSProtocolError.self) { _ = try decodeAll(String(repeating: "x", count: 5000)) }
        #expect(throws: NATSProtocolError.self) {
            _ = try decodeAll("MSG a 1 100\r\n", decoder: NATSDecoder(maxPayload: 10))
        }
    }

    /// Garbage of any bytes (not only valid UTF-8), read in random pieces through `ServerOpReader`:
    /// never a crash, and the same operations, then the same failure or none, as one decode of
    /// the whole input.
    @Test func randomBytesInRandomReadsDecodeAsTheWhole() {
        var random = SeededGenerator(seed: 4242)
        let pieces = ["MSG a 1 3\r\nabc\r\n", "HMSG b 2 12 14\r\nNATS/1.0\r\n\r\nok\r\n", "PING\r\n", "PONG\r\n", "+OK\r\n",
                      "-ERR 'x'\r\n", "MSG ", "HMSG ", "\r\n", " ", "12", "NATS/1.0 503\r\n", "INFO {\"server_id\":\"s\"}\r\n"]
        var outcomes = (clean: 0, failed: 0)
        for round in 0..<2_500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 16) {
                if random.next() % 3 == 0 {
                    for _ in 0..<(1 + random.next() % 4) { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
                } else {
                    bytes += Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8)
                }
            }
            let decoder = NATSDecoder(maxControlLine: 64, maxPayload: 1024)
            var whole = decoder, buffer = ByteBuffer(bytes: bytes)
            var expected: [ServerOp] = [], wholeFailed = false
            do { while let op = try whole.decode(buffer: &buffer) { expected.append(op) } } catch { wholeFailed = true }

            var reader = ServerOpReader(decoder: decoder)
            var ops: [ServerOp] = [], readerFailed = false
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 9))
                reader.append(ByteBuffer(bytes: bytes[start..<end]))
                do { while let op = try reader.next() { ops.append(op) } } catch { readerFailed = true }
                start = end
            }
            #expect(ops == expected, "round \(round): \(bytes)")
            #expect(readerFailed == wholeFailed && reader.failed == wholeFailed, "round \(round): \(bytes)")
            if wholeFailed { outcomes.failed += 1 } else { outcomes.clean += 1 }
        }
        #expect(outcomes.clean > 500 && outcomes.failed > 500, "both outcomes are exercised: \(outcomes)")
    }

    @Test func randomBytesNeverCrash() {
        var random = SeededGenerator(seed: 42)
        let pieces = ["MSG ", "HMSG ", "INFO {}", "PING", "\r\n", " ", "1", "99", "NATS/1.0", ":", "a.b", "\n", "-ERR", "'", "\u{0}"]
        var decoded = 0, failed = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 12) {
                if random.next() % 4 == 0 {
                    text.unicodeScalars.append(Unicode.Scalar(UInt8(truncatingIfNeeded: random.next())))
                } else {
                    text += pieces[Int(random.next() % UInt64(pieces.count))]
                }
            }
            var decoder = NATSDecoder(maxControlLine: 64, maxPayload: 1024)
            var buffer = ByteBuffer(string: text)
            do {
                while let _ = try decoder.decode(buffer: &buffer) { decoded += 1 }
            } catch {
                failed += 1
            }
        }
        #expect(decoded > 0 && failed > 0)
    }
}
