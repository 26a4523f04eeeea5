public import NIOCore

extension ClientOp {
    /// Appends `PUB` (or `HPUB` with headers): what `.pub(…).write(to:maxPayload:)` writes, without
    /// making the enum value first. The publish hot path: the whole operation is laid out in one
    /// reservation of `buffer` (each separate ByteBuffer write pays a uniqueness and an exclusivity
    /// check; seven of them were a fifth of a publish).
    public static func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: ByteBuffer, to buffer: inout ByteBuffer,
        maxPayload: Int = .max
    ) throws(NATSProtocolError) {
        try payload.withUnsafeReadableBytes { bytes throws(NATSProtocolError) in
            try writePublish(subject: subject, replyTo: replyTo, headers: headers, payload: bytes, to: &buffer, maxPayload: maxPayload)
        }
    }

    /// The same for payload bytes in memory (an array's, say: no ByteBuffer is made for them).
    public static func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: UnsafeRawBufferPointer,
        to buffer: inout ByteBuffer, maxPayload: Int = .max
    ) throws(NATSProtocolError) {
        let layout = try PublishLayout(subject: subject, replyTo: replyTo, headers: headers, payloadCount: payload.count, maxPayload: maxPayload)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: layout.count) { out in
            layout.put(subject: subject, replyTo: replyTo, payload: payload, into: out)
        }
    }

    /// The same into a `WireBuffer`: the client's outbound path, with no ByteBuffer per message.
    public static func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: UnsafeRawBufferPointer,
        to buffer: inout WireBuffer, maxPayload: Int = .max
    ) throws(NATSProtocolError) {
        let layout = try PublishLayout(subject: subject, replyTo: replyTo, headers: headers, payloadCount: payload.count, maxPayload: maxPayload)
        buffer.commit(layout.put(subject: subject, replyTo: replyTo, payload: payload, into: buffer.reserve(layout.count)))
    }

    /// A `PUB`/`HPUB` checked and measured, to be laid out in one reservation. Holds no strings
    /// (copying them into a value cost a retain and a release each per publish).
    private struct PublishLayout {
        /// The header block, when there are headers.
        let block: ByteBuffer?
        let headerLength: Int
        let size: Int
        let sizeDigits: Int
        let headerDigits: Int
        /// The bytes of the whole operation.
        let count: Int

        @inline(__always)
        init(subject: String, replyTo: String?, headers: NATSHeaders?, payloadCount: Int, maxPayload: Int) throws(NATSProtocolError) {
            try check(subject: subject)
            if let replyTo { try check(subject: replyTo) }
            var (block, headerLength): (ByteBuffer?, Int) = (nil, 0)
            if let headers, !headers.isEmpty { (block, headerLength) = try headerBlock(headers) }
            size = headerLength + payloadCount
            try check(size: size, maxPayload: maxPayload)
            (self.block, self.headerLength) = (block, headerLength)
            sizeDigits = decimalDigits(size)
            headerDigits = block == nil ? 0 : 1 + decimalDigits(headerLength)
            let verb = block == nil ? 4 : 5  // "PUB " or "HPUB "
            let replyCount = replyTo.map { 1 + $0.utf8.count } ?? 0
            count = verb + subject.utf8.count + replyCount + headerDigits + 1 + sizeDigits + 2 + size + 2
        }

        /// Lays the operation out at the start of `out` (at least `count` bytes); the bytes written.
        @inline(__always)
        func put(subject: String, replyTo: String?, payload: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
            let verb: StaticString = block == nil ? "PUB " : "HPUB "
            var cursor = Cursor(out: out)
            cursor.put(UnsafeRawBufferPointer(start: verb.utf8Start, count: verb.utf8CodeUnitCount))
            cursor.put(subject)
            if let replyTo {
                cursor.put(byte: UInt8(ascii: " "))
                cursor.put(replyTo)
            }
            if block != nil { cursor.put(spaced: headerLength, digits: headerDigits - 1) }
            cursor.put(spaced: size, digits: sizeDigits)
            cursor.put(byte: UInt8(ascii: "\r"))
            cursor.put(byte: UInt8(ascii: "\n"))
            if let block { cursor.put(block) }
            cursor.put(payload)
            cursor.put(byte: UInt8(ascii: "\r"))
            cursor.put(byte: UInt8(ascii: "\n"))
            return cursor.at
        }
    }

    /// The header block and its length; every field checked first.
    private static func headerBlock(_ headers: NATSHeaders) throws(NATSProtocolError) -> (ByteBuffer, Int) {
        for field in headers.fields {
            guard NATSHeaders.isValidName(field.name), NATSHeaders.isValidValue(field.value) else {
                throw NATSProtocolError(.invalidArgument, "header '\(field.name)' cannot be written")
            }
        }
        var written = ByteBuffer()
        let length = headers.write(to: &written)
        return (written, length)
    }

    static func decimalDigits(_ value: Int) -> Int {
        var digits = 1, rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }

    /// Copies into reserved bytes, front to back. The closures that reach other storage capture
    /// only constants, not the cursor: 8 % more publishes/s than nested closures that mutated it
    /// (A/B, 2,000,000 publishes). The exclusivity checks perf still shows in a publish come from
    /// ByteBuffer's inlined code.
    private struct Cursor {
        let out: UnsafeMutableRawBufferPointer
        var at = 0

        mutating func put(_ bytes: UnsafeRawBufferPointer) {
            at += Self.copy(bytes, into: out, at: at)
        }

        mutating func put(_ buffer: ByteBuffer) {
            let (out, at) = (self.out, self.at)
            self.at += buffer.withUnsafeReadableBytes { Self.copy($0, into: out, at: at) }
        }

        mutating func put(_ string: String) {
            let (out, at) = (self.out, self.at)
            let copied = string.utf8.withContiguousStorageIfAvailable { Self.copy(UnsafeRawBufferPointer($0), into: out, at: at) }
            self.at += copied ?? Array(string.utf8).withUnsafeBytes { Self.copy($0, into: out, at: at) }
        }

        /// Copies `bytes` to `out` at `at`; their count.
        static func copy(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, at: Int) -> Int {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
            (out.baseAddress! + at).copyMemory(from: base, byteCount: bytes.count)
            return bytes.count
        }

        mutating func put(byte: UInt8) {
            out[at] = byte
            at += 1
        }

        /// ` ` and `value` (not negative) in its `digits` decimal digits.
        mutating func put(spaced value: Int, digits: Int) {
            put(byte: UInt8(ascii: " "))
            var rest = value
            for index in stride(from: at + digits - 1, through: at, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            at += digits
        }
    }
}

extension ByteBuffer {
    /// ` ` and `text`: a protocol argument.
    mutating func writeSpaced(_ text: String) {
        writeInteger(UInt8(ascii: " "))
        writeString(text)
    }

    /// ` ` and `value` in decimal (a sid or size).
    mutating func writeSpaced(_ value: Int) {
        writeInteger(UInt8(ascii: " "))
        writeString(String(value))
    }
}
