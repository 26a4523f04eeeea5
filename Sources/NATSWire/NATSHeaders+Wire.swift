import NIOCore

extension NATSHeaders {
    static let versionLine = "NATS/1.0"

    /// Parses a header block (`NATS/1.0 …\r\n` lines, ending with an empty line).
    /// - Throws: `NATSProtocolError` when the block is malformed.
    init(parsing bytes: ByteBuffer) throws(NATSProtocolError) {
        self.init(status: nil, description: nil)
        var lines = String(decoding: bytes.readableBytesView, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix(Self.versionLine) else {
            throw NATSProtocolError(.invalidHeaders, "header block does not start with NATS/1.0")
        }
        lines.removeFirst()
        let status = first.dropFirst(Self.versionLine.count).drop { $0 == " " }
        if !status.isEmpty {
            let code = status.prefix { $0.isNumber }
            guard code.count == 3, let value = Int(code) else {
                throw NATSProtocolError(.invalidHeaders, "invalid status line '\(first)'")
            }
            self.status = value
            let description = status.dropFirst(3).drop { $0 == " " }
            if !description.isEmpty { self.statusDescription = String(description) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw NATSProtocolError(.invalidHeaders, "header line without ':'")
            }
            let name = String(line[..<colon])
            guard Self.isValidName(name) else { throw NATSProtocolError(.invalidHeaders, "invalid header name '\(name)'") }
            add(name, String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }))
        }
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
