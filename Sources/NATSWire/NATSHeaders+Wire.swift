import NIOCore

extension NATSHeaders {
    static let versionLine = "NATS/1.0"

    /// Parses a header block (`NATS/1.0 …\r\n` lines, ending with an empty line).
    /// - Throws: `NATSProtocolError` when the block is malformed.
    init(parsing bytes: ByteBuffer) throws(NATSProtocolError) {
        self.init(status: nil, description: nil)
        // On the bytes: splitting a String into lines works on grapheme clusters, and cost a tenth
        // of a service's CPU per request for a one-header block.
        if let failure = bytes.withUnsafeReadableBytes({ parse(UnsafeRawBufferPointer($0)) }) {
            throw NATSProtocolError(.invalidHeaders, failure)
        }
    }

    /// Fills in the status and fields from a header block; the reason when it is malformed.
    private mutating func parse(_ block: UnsafeRawBufferPointer) -> String? {
        var lines = CRLFLines(block)
        guard let first = lines.next(), first.starts(with: Self.versionLine.utf8) else {
            return "header block does not start with NATS/1.0"
        }
        var status = first.dropFirst(Self.versionLine.utf8.count).drop { $0 == UInt8(ascii: " ") }
        if !status.isEmpty {
            let code = status.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard code.count == 3 else { return "invalid status line '\(String(decoding: first, as: UTF8.self))'" }
            self.status = code.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            status = status.dropFirst(3).drop { $0 == UInt8(ascii: " ") }
            if !status.isEmpty { statusDescription = String(decoding: status, as: UTF8.self) }
        }
        while let line = lines.next() {
            guard !line.isEmpty else { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return "header line without ':'" }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            guard Self.isValidName(name) else { return "invalid header name '\(name)'" }
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            add(name, String(decoding: value, as: UTF8.self))
        }
        return nil
    }

    /// Writes the header block, ending with the empty line; returns the bytes written.
    @discardableResult
    func write(to buffer: inout ByteBuffer) -> Int {
        var count = buffer.writeString(Self.versionLine)
        if let status {
            count += buffer.writeString(" \(status)")
            if let statusDescription { count += buffer.writeString(" \(statusDescription)") }
        }
        count += buffer.writeStaticString("\r\n")
        for field in fields {
            count += buffer.writeString(field.name)
            count += buffer.writeStaticString(": ")
            count += buffer.writeString(field.value)
            count += buffer.writeStaticString("\r\n")
        }
        count += buffer.writeStaticString("\r\n")
        return count
    }
}

/// The lines of a block separated by CRLF (a lone CR or LF stays in its line); the text after
/// the last CRLF is the last line.
private struct CRLFLines: IteratorProtocol {
    private let block: UnsafeRawBufferPointer
    private var start = 0
    private var done = false

    init(_ block: UnsafeRawBufferPointer) { self.block = block }

    mutating func next() -> Slice<UnsafeRawBufferPointer>? {
        guard !done else { return nil }
        var index = start
        while index + 1 < block.count {
            if block[index] == 0x0D, block[index + 1] == 0x0A {
                defer { start = index + 2 }
                return block[start..<index]
            }
            index += 1
        }
        done = true
        return block[start...]
    }
}
