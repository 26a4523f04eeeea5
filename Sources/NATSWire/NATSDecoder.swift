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
        case "PING":
            buffer.moveReaderIndex(forwardBy: consumed)
            return .ping
        case "PONG":
            buffer.moveReaderIndex(forwardBy: consumed)
            return .pong
        case "+OK":
            buffer.moveReaderIndex(forwardBy: consumed)
            return .ok
        case "-ERR":
            buffer.moveReaderIndex(forwardBy: consumed)
            var text = String(decoding: rest.readableBytesView, as: UTF8.self)
            if text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return .err(text)
        case "INFO":
            let info = try ServerInfo(json: rest.readableBytesView)
            buffer.moveReaderIndex(forwardBy: consumed)
            maxPayload = max(maxPayload, info.maxPayload)
            return .info(info)
        case "MSG", "HMSG":
            return try message(headers: op == "HMSG", arguments: rest, lineBytes: consumed, buffer: &buffer)
        default:
            throw NATSProtocolError(.invalidOperation, "unknown operation '\(op.prefix(32))'")
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ServerOp? {
        try decode(buffer: &buffer)
    }

    /// `MSG subject sid [reply] size` or `HMSG subject sid [reply] headerSize totalSize`, then the
    /// payload and its CRLF; nil (nothing consumed) until all of it has arrived.
    private func message(headers: Bool, arguments: ByteBuffer, lineBytes: Int, buffer: inout ByteBuffer) throws -> ServerOp? {
        let words = arguments.readableBytesView.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            .map { String(decoding: $0, as: UTF8.self) }
        let sizes = headers ? 2 : 1
        guard words.count == 2 + sizes || words.count == 3 + sizes,
            let sid = UInt64(words[1]),
            let total = Int(words[words.count - 1]), total >= 0
        else {
            throw NATSProtocolError(.invalidOperation, "\(headers ? "HMSG" : "MSG") with invalid arguments")
        }
        let headerLength = headers ? Int(words[words.count - 2]) ?? -1 : 0
        guard headerLength >= 0, headerLength <= total else {
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
        if headers {
            parsedHeaders = try NATSHeaders(parsing: buffer.getSlice(at: start, length: headerLength)!)
        }
        let payload = buffer.getSlice(at: start + headerLength, length: total - headerLength)!
        buffer.moveReaderIndex(forwardBy: lineBytes + total + 2)
        return .msg(InboundMessage(
            subject: words[0], sid: sid, replyTo: words.count == 3 + sizes ? words[2] : nil,
            headers: parsedHeaders, payload: payload
        ))
    }

    /// The operation name (upper-cased; NATS operations are case-insensitive) and the rest of the line.
    private static func operation(of line: ByteBuffer) -> (String, ByteBuffer) {
        let bytes = line.readableBytesView
        let end = bytes.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } ?? bytes.endIndex
        let name = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self).uppercased()
        var rest = line
        rest.moveReaderIndex(to: end)
        while let first = rest.readableBytesView.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            rest.moveReaderIndex(forwardBy: 1)
        }
        return (name, rest)
    }
}
