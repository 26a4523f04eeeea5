// Strings of the parser: their entries, escapes, UTF-8 checks.

extension JSONParser {
    /// Parses a string starting at its opening quote, appending its entry: the content's byte
    /// range, and whether it has escapes or non-ASCII characters.
    mutating func parseString() throws(JSONParseError) {
        let start = position + 1
        var index = start
        var flags: UInt8 = 0
        while true {
            index = skipPlainASCII(from: index)
            guard index < input.count else { break }
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                append(Entry(kind: .string, flags: flags, a: UInt32(truncatingIfNeeded: start), b: UInt64(index)))
                return
            }
            if byte == UInt8(ascii: "\\") {
                flags |= Entry.escaped
                index = try decodeEscape(at: index).end
            } else if byte < 0x20 {
                throw error("unescaped control character in string", at: index)
            } else if byte < 0x80 {
                index += 1
            } else {
                flags |= Entry.nonASCII
                index = try endOfUTF8Sequence(at: index)
            }
        }
        throw error("unterminated string", at: index)
    }

    /// Skips 8 bytes at a time while none of them is `"`, `\\`, a control character or non-ASCII,
    /// returning the index of the first such byte, or of the last few bytes (fewer than 8).
    @inline(__always)
    func skipPlainASCII(from start: Int) -> Int {
        guard let base = input.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
        /// Whether some byte of `word` is below `limit` (≤ 0x80), as a mask of high bits.
        func bytesBelow(_ limit: UInt64, in word: UInt64) -> UInt64 { (word &- ones &* limit) & ~word & highBits }
        var index = start
        while index + 8 <= input.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let special = word | bytesBelow(0x20, in: word)
                | bytesBelow(1, in: word ^ (ones &* 0x22)) | bytesBelow(1, in: word ^ (ones &* 0x5C))
            // The lowest flagged byte is exact (borrows only reach bytes above a flagged one).
            // `.littleEndian` puts the first byte lowest on any machine.
            if special & highBits != 0 { return index + (special & highBits).littleEndian.trailingZeroBitCount >> 3 }
            index += 8
        }
        return index
    }

    /// The text of a string's content that has escapes (already checked by `parseString`).
    static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String {
        let parser = JSONParser(checked: content)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(content.count)
        var index = 0
        while index < content.count {
            if content[index] == UInt8(ascii: "\\") {
                // The content was checked when it was parsed: this cannot fail.
                guard let (scalar, end) = try? parser.decodeEscape(at: index) else { break }
                bytes.append(contentsOf: scalar.utf8)
                index = end
            } else {
                bytes.append(content[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A parser that only decodes escapes of checked content (it owns no entries).
    init(checked content: UnsafeBufferPointer<UInt8>) {
        self.input = content
        self.capacity = 0
        self.entries = UnsafeMutablePointer(bitPattern: MemoryLayout<Entry>.alignment)!  // never read or freed
        self.storage = entries
    }

    /// Decodes the escape sequence at `index` (a backslash): its scalar and the index after it.
    func decodeEscape(at index: Int) throws(JSONParseError) -> (scalar: Unicode.Scalar, end: Int) {
        guard index + 1 < input.count else { throw error("unterminated string", at: input.count) }
        let escaped = input[index + 1]
        if escaped == UInt8(ascii: "u") { return try decodeUnicodeEscape(at: index) }
        let replacement: UInt8 = switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escaped
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: throw error("invalid escape sequence", at: index)
        }
        return (Unicode.Scalar(replacement), index + 2)
    }

    /// Decodes `\uXXXX` (or a `\uXXXX\uXXXX` surrogate pair) at `index`.
    func decodeUnicodeEscape(at index: Int) throws(JSONParseError) -> (scalar: Unicode.Scalar, end: Int) {
        let unit = try hexQuad(at: index + 2)
        var scalar = UInt32(unit)
        var end = index + 6
        if unit & 0xFC00 == 0xD800 {
            guard end + 1 < input.count, input[end] == UInt8(ascii: "\\"), input[end + 1] == UInt8(ascii: "u"),
                case let low = try hexQuad(at: end + 2), low & 0xFC00 == 0xDC00
            else { throw error("unpaired surrogate in \\u escape", at: index) }
            scalar = 0x10000 + (UInt32(unit & 0x3FF) << 10 | UInt32(low & 0x3FF))
            end += 6
        } else if unit & 0xFC00 == 0xDC00 {
            throw error("unpaired surrogate in \\u escape", at: index)
        }
        return (Unicode.Scalar(scalar).unsafelyUnwrapped, end)
    }

    func hexQuad(at index: Int) throws(JSONParseError) -> UInt16 {
        guard index + 4 <= input.count else { throw error("invalid \\u escape", at: index - 2) }
        var value: UInt16 = 0
        for byte in input[index..<index + 4] {
            let decimal = byte &- UInt8(ascii: "0"), letter = (byte | 0x20) &- UInt8(ascii: "a")
            guard decimal < 10 || letter < 6 else { throw error("invalid \\u escape", at: index - 2) }
            value = value << 4 | UInt16(decimal < 10 ? decimal : letter + 10)
        }
        return value
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte (≥ 0x80) is at `index`; returns its end.
    func endOfUTF8Sequence(at index: Int) throws(JSONParseError) -> Int {
        let lead = input[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xED: length = 3; high = 0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; low = 0x90
        case 0xF4: length = 4; high = 0x8F
        case 0xF1...0xF3: length = 4
        default: throw error("invalid UTF-8", at: index)
        }
        guard index + length <= input.count, (low...high).contains(input[index + 1])
        else { throw error("invalid UTF-8", at: index) }
        for offset in 2..<length where input[index + offset] & 0xC0 != 0x80 {
            throw error("invalid UTF-8", at: index)
        }
        return index + length
    }
}
