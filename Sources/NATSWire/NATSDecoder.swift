public import NIOCore

/// Decodes the server's byte stream into operations, incrementally: a frame split at any byte
/// leaves the buffer untouched until the rest arrives.
///
/// ```
/// MSG orders.created 7 _INBOX.x.1 5\r\nhello\r\n
/// └─ control line ─────────────────┘ └ payload ┘
/// HMSG subject sid [reply] <header bytes> <total bytes>\r\nNATS/1.0\r\nK: V\r\n\r\npayload\r\n
/// ```
public struct NATSDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ServerOp

    /// The longest control line accepted without its CRLF (nats-server's `max_control_line` default).
    public var maxControlLine: Int
    /// The largest payload accepted; the client sets it from INFO's `max_payload`.
    public var maxPayload: Int

    public init(maxControlLine: Int = 4096, maxPayload: Int = 64 * 1024 * 1024) {
        self.maxControlLine = maxControlLine
        self.maxPayload = maxPayload
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ServerOp? {
        guard let lineEnd = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxControlLine {
                throw NATSProtocolError(.controlLineTooLong, "no end of line within \(maxControlLine) bytes")
            }
            return nil
        }
        let lineLength = lineEnd - buffer.readerIndex
        guard lineLength <= maxControlLine else {
            throw NATSProtocolError(.controlLineTooLong, "control line of \(lineLength) bytes")
        }
        var line = buffer.getSlice(at: buffer.readerIndex, length: lineLength)!
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        let consumed = lineLength + 1
        let (op, rest) = Self.operation(of: line)
        switch op {
        case Operation.ping:
            buffer.moveReaderIndex(forwardBy: consumed)
            return .ping
        case Operation.pong:
            buffer.moveReaderIndex(forwardBy: consumed)
            return .pong
        case Operation.ok:
            buffer.moveReaderIndex(forwardBy: consumed)
            return .ok
        case Operation.err:
            buffer.moveReaderIndex(forwardBy: consumed)
            var text = String(decoding: rest.readableBytesView, as: UTF8.self)
            if text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return .err(text)
        case Operation.info:
            let info = try ServerInfo(json: rest.readableBytesView)
            buffer.moveReaderIndex(forwardBy: consumed)
            maxPayload = max(maxPayload, info.maxPayload)
            return .info(info)
        case Operation.msg, Operation.hmsg:
            return try message(headers: op == Operation.hmsg, arguments: rest, lineBytes: consumed, buffer: &buffer)
        default:
            let name = line.readableBytesView.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            throw NATSProtocolError(.invalidOperation, "unknown operation '\(String(decoding: name.prefix(32), as: UTF8.self).uppercased())'")
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ServerOp? {
        try decode(buffer: &buffer)
    }

    /// `MSG subject sid [reply] size` or `HMSG subject sid [reply] headerSize totalSize`, then the
    /// payload and its CRLF; nil (nothing consumed) until all of it has arrived. The arguments are
    /// read as byte ranges: only the subject and the reply subject become strings.
    private func message(headers: Bool, arguments: ByteBuffer, lineBytes: Int, buffer: inout ByteBuffer) throws -> ServerOp? {
        let invalid = NATSProtocolError(.invalidOperation, "\(headers ? "HMSG" : "MSG") with invalid arguments")
        let sizes = headers ? 2 : 1
        let parsed = arguments.withUnsafeReadableBytes { bytes -> (subject: String, sid: UInt64, replyTo: String?, headerLength: Int, total: Int)? in
            // At most six words: one more than the longest form, to tell a line with too many apart.
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: 6) { words in
                var count = 0
                var index = 0
                while index < bytes.count, count < 6 {
                    while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
                    guard index < bytes.count else { break }
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\t") { index += 1 }
                    words.initializeElement(at: count, to: start..<index)
                    count += 1
                }
                guard count == 2 + sizes || count == 3 + sizes else { return nil }
                func text(_ range: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
                func number(_ range: Range<Int>) -> UInt64? {
                    guard !range.isEmpty, range.count <= 18 else { return nil }
                    var value: UInt64 = 0
                    for position in range {
                        let digit = bytes[position] &- UInt8(ascii: "0")
                        guard digit < 10 else { return nil }
                        value = value * 10 + UInt64(digit)
                    }
                    return value
                }
                guard let sid = number(words[1]), let total = number(words[count - 1]) else { return nil }
                let headerLength = headers ? number(words[count - 2]).map { Int($0) } ?? -1 : 0
                return (text(words[0]), sid, count == 3 + sizes ? text(words[2]) : nil, headerLength, Int(total))
            }
        }
        guard let parsed else { throw invalid }
        let total = parsed.total
        guard parsed.headerLength >= 0, parsed.headerLength <= total else {
            throw NATSProtocolError(.invalidOperation, "HMSG with invalid header size")
        }
        guard total <= maxPayload else {
            throw NATSProtocolError(.invalidPayload, "payload of \(total) bytes exceeds \(maxPayload)")
        }
        guard buffer.readableBytes >= lineBytes + total + 2 else { return nil }
        let start = buffer.readerIndex + lineBytes
        guard buffer.getInteger(at: start + total, as: UInt16.self) == 0x0D0A else {
            throw NATSProtocolError(.invalidPayload, "payload not followed by CRLF")
        }
        var parsedHeaders: NATSHeaders?
        var headerFailure: NATSProtocolError?
        if headers {
            do { parsedHeaders = try NATSHeaders(parsing: buffer.getSlice(at: start, length: parsed.headerLength)!) } catch {
                headerFailure = error
            }
        }
        let payload = buffer.getSlice(at: start + parsed.headerLength, length: total - parsed.headerLength)!
        buffer.moveReaderIndex(forwardBy: lineBytes + total + 2)
        let message = InboundMessage(subject: parsed.subject, sid: parsed.sid, replyTo: parsed.replyTo, headers: parsedHeaders, payload: payload)
        // The framing held: the stream goes on, only this message's headers are lost.
        if let headerFailure { return .malformedHeaders(message, reason: headerFailure.message) }
        return .msg(message)
    }

    /// The server operations, by their names' bytes upper-cased and packed into an integer (none is
    /// longer than four): matched without making a string per line.
    enum Operation {
        static let ping = pack("PING"), pong = pack("PONG"), ok = pack("+OK"), err = pack("-ERR")
        static let info = pack("INFO"), msg = pack("MSG"), hmsg = pack("HMSG")
        /// No operation: a name longer than four bytes.
        static let unknown: UInt64 = 0

        static func pack(_ name: String) -> UInt64 { pack(name.utf8)! }

        /// The bytes, upper-cased, with the length in the top byte; nil when longer than four.
        static func pack(_ bytes: some Collection<UInt8>) -> UInt64? {
            guard bytes.count <= 4 else { return nil }
            var packed = UInt64(bytes.count) << 56
            for (position, byte) in bytes.enumerated() {
                let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
                packed |= UInt64(upper) << (8 * UInt64(position))
            }
            return packed
        }
    }

    /// The operation (its packed name, `Operation.unknown` past four bytes) and the rest of the line.
    private static func operation(of line: ByteBuffer) -> (UInt64, ByteBuffer) {
        let bytes = line.readableBytesView
        let end = bytes.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } ?? bytes.endIndex
        let name = Operation.pack(bytes[bytes.startIndex..<end]) ?? Operation.unknown
        var rest = line
        rest.moveReaderIndex(to: end)
        while let first = rest.readableBytesView.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            rest.moveReaderIndex(forwardBy: 1)
        }
        return (name, rest)
    }
}
