/// Why a document is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset of the problem in the input (0-based).
    public let offset: Int
    /// The 1-based line of the problem (lines end at LF).
    public let line: Int
    /// The 1-based column of the problem, counted in Unicode scalars from the start of the line.
    public let column: Int
    /// What is wrong, e.g. `expected ',' or '}'`.
    public let message: String

    /// `invalid JSON at line 1, column 12: expected ',' or '}'`.
    public var description: String {
        "invalid JSON at line \(line), column \(column): \(message)"
    }
}

extension JSONValue {
    /// Parses one strict RFC 8259 JSON document from UTF-8 bytes.
    ///
    /// Integers that fit in 64 bits become `.int`, every other number `.double`; object members
    /// keep their document order (duplicates included). Arrays and objects nested deeper than
    /// 512 levels are rejected.
    @inlinable
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        self = try JSONTape.parse(bytes) { $0.value(JSONTape.root) }.get()
    }

    /// Parses one strict RFC 8259 JSON document from a string.
    public init(parsing text: String) throws(JSONParseError) {
        var text = text
        self = try text.withUTF8 { bytes in JSONTape.parse(bytes) { $0.value(JSONTape.root) } }.get()
    }
}

/// A parser over contiguous UTF-8 bytes, writing a `JSONTape`'s entries.
struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 512

    typealias Entry = JSONTape.Entry

    private let input: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// The entries written so far, in storage that grows by doubling.
    private var entries: UnsafeMutablePointer<Entry>
    private var count = 0
    private var capacity: Int

    /// The storage that is enough for the entries of `count` bytes: every entry after the first
    /// takes at least two bytes (a value and a separator or bracket).
    static func capacity(forByteCount count: Int) -> Int { count / 2 + 2 }

    /// The storage that was given, if it was enough.
    private let storage: UnsafeMutablePointer<Entry>

    private init(input: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<Entry>) {
        self.input = input
        self.storage = storage.baseAddress!
        self.entries = storage.baseAddress!
        self.capacity = storage.count
    }

    /// Parses a whole document, one value with optional surrounding whitespace, into `storage`
    /// (at least `capacity(forByteCount:)` entries). Returns where the entries are: `storage`,
    /// or, should it have been too small, an allocation that the caller deallocates.
    static func tape(
        _ input: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<Entry>
    ) -> Result<UnsafeMutablePointer<Entry>, JSONParseError> {
        var parser = JSONParser(input: input, storage: storage)
        do throws(JSONParseError) {
            guard input.count < Int(UInt32.max) else { throw parser.error("document too large", at: 0) }
            try parser.parseValue()
            parser.skipWhitespace()
            guard parser.position == input.count else {
                throw parser.error("unexpected data after the JSON value", at: parser.position)
            }
            return .success(parser.entries)
        } catch {
            if parser.entries != parser.storage { parser.entries.deallocate() }
            return .failure(error)
        }
    }

    // MARK: Values

    @inline(__always)
    private mutating func append(_ entry: Entry) {
        if count == capacity { grow() }
        (entries + count).initialize(to: entry)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: entries, count: count)
        if entries != storage { entries.deallocate() }
        entries = larger
        capacity *= 2
    }

    /// Parses one value. Open arrays and objects are not kept by recursion, so that no input can
    /// exhaust the call stack: while one is open, its entry holds the index of the enclosing one
    /// and that one's element count so far, and gets its own count and end when it closes.
    private mutating func parseValue() throws(JSONParseError) {
        var depth = 0  // the number of open containers
        var current = -1  // the entry of the innermost open container, if depth > 0
        var currentCount = 0  // its elements so far
        var currentIsObject = false
        parsing: while true {
            skipWhitespace()
            switch peek {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let isObject = input[position] == UInt8(ascii: "{")
                guard depth < Self.maximumDepth else {
                    throw error("nesting deeper than \(Self.maximumDepth) levels", at: position)
                }
                position += 1
                skipWhitespace()
                let kind: Entry.Kind = isObject ? .object : .array
                if skip(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    append(Entry(kind: kind, a: 0, b: UInt64(count + 1)))
                } else {
                    append(Entry(kind: kind, a: UInt32(truncatingIfNeeded: currentCount), b: UInt64(bitPattern: Int64(current))))
                    depth += 1
                    current = count - 1
                    currentCount = 0
                    currentIsObject = isObject
                    if isObject { try parseKey() }
                    continue parsing
                }
            default:
                try parseScalar()
            }
            // Count the value in the innermost container, closing each container that ends here.
            while depth > 0 {
                skipWhitespace()
                currentCount += 1
                if currentIsObject {
                    if skip(UInt8(ascii: ",")) {
                        try parseKey()
                        continue parsing
                    }
                    guard skip(UInt8(ascii: "}")) else { throw unexpected("expected ',' or '}'") }
                } else {
                    if skip(UInt8(ascii: ",")) { continue parsing }
                    guard skip(UInt8(ascii: "]")) else { throw unexpected("expected ',' or ']'") }
                }
                // Close it: the enclosing container becomes the current one.
                let open = entries[current]
                entries[current].a = UInt32(truncatingIfNeeded: currentCount)
                entries[current].b = UInt64(count)
                depth -= 1
                currentCount = Int(open.a)
                current = Int(Int64(bitPattern: open.b))
                currentIsObject = depth > 0 && entries[current].kind == .object
            }
            return
        }
    }

    /// Parses a string, number or literal.
    private mutating func parseScalar() throws(JSONParseError) {
        guard position < input.count else { throw error("unexpected end of input", at: position) }
        switch input[position] {
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try parseNumber() {
            case .int(let value): append(Entry(kind: .int, b: UInt64(bitPattern: value)))
            case let value: append(Entry(kind: .double, b: (value.numberValue ?? 0).bitPattern))
            }
        case UInt8(ascii: "t"): try parseLiteral("true"); append(Entry(kind: .bool, flags: 1))
        case UInt8(ascii: "f"): try parseLiteral("false"); append(Entry(kind: .bool))
        case UInt8(ascii: "n"): try parseLiteral("null"); append(Entry(kind: .null))
        case let byte:
            let shown = (0x21..<0x7F).contains(byte)
                ? "character '\(Character(Unicode.Scalar(byte)))'"
                : "byte 0x\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16, uppercase: true))"
            throw error("unexpected \(shown)", at: position)
        }
    }

    /// Parses an object key and the colon after it.
    private mutating func parseKey() throws(JSONParseError) {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw unexpected("expected a string key") }
        try parseString()
        skipWhitespace()
        guard skip(UInt8(ascii: ":")) else { throw unexpected("expected ':'") }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        guard input.count - start >= count,
            input[start..<start + count].elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: count))
        else { throw error("invalid literal, expected '\(literal)'", at: start) }
        position += count
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        let negative = skip(UInt8(ascii: "-"))

        // The integer part: `0`, or digits not starting with `0`.
        var mantissa: UInt64 = 0, digitCount = 0
        let integerDigits = accumulateDigits(into: &mantissa, count: &digitCount)
        if integerDigits == 0 { throw error("expected a digit", at: position) }
        if integerDigits > 1, input[position - integerDigits] == UInt8(ascii: "0") {
            throw error("leading zeros are not allowed", at: start)
        }
        var isInteger = true, fractionDigits = 0, exponent = 0
        if skip(UInt8(ascii: ".")) {
            isInteger = false
            fractionDigits = accumulateDigits(into: &mantissa, count: &digitCount)
            if fractionDigits == 0 { throw error("expected a digit after the decimal point", at: position) }
        }
        if skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
            isInteger = false
            let exponentNegative = skip(UInt8(ascii: "-"))
            if !exponentNegative { _ = skip(UInt8(ascii: "+")) }
            var magnitude: UInt64 = 0, significantDigits = 0
            if accumulateDigits(into: &magnitude, count: &significantDigits) == 0 {
                throw error("expected a digit in the exponent", at: position)
            }
            // Past ±100,000 every exponent gives zero or infinity, like the real one.
            exponent = significantDigits > 6 ? 100_000 : Int(magnitude)
            if exponentNegative { exponent = -exponent }
        }

        if isInteger, digitCount <= 19, mantissa <= (negative ? 1 << 63 : UInt64(Int64.max)) {
            return .int(negative ? Int64(truncatingIfNeeded: 0 &- mantissa) : Int64(mantissa))
        }
        // Clinger's fast path: an exact mantissa and an exact power of ten give a correctly rounded quotient or product.
        let scale = exponent - fractionDigits
        if digitCount <= 19, mantissa <= 1 << 53, (-22...22).contains(scale) {
            let magnitude = scale < 0
                ? Double(mantissa) / Self.powersOfTen[-scale] : Double(mantissa) * Self.powersOfTen[scale]
            return .double(negative ? -magnitude : magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("number out of range", at: start) }
        return .double(value)
    }

    /// Consumes decimal digits, folding the first 19 significant ones into `mantissa` and counting
    /// the significant ones in `count`; returns how many digits there were.
    @inline(__always)
    private mutating func accumulateDigits(into mantissa: inout UInt64, count: inout Int) -> Int {
        let start = position
        while position < input.count, case let digit = input[position] &- UInt8(ascii: "0"), digit < 10 {
            if count < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
            if mantissa != 0 { count += 1 }  // leading zeros are not significant
            position += 1
        }
        return position - start
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { product, _ in product * 10 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote, appending its entry: the content's byte
    /// range, and whether it has escapes or non-ASCII characters.
    private mutating func parseString() throws(JSONParseError) {
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
    private func skipPlainASCII(from start: Int) -> Int {
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
    private init(checked content: UnsafeBufferPointer<UInt8>) {
        self.input = content
        self.capacity = 0
        self.entries = UnsafeMutablePointer(bitPattern: MemoryLayout<Entry>.alignment)!  // never read or freed
        self.storage = entries
    }

    /// Decodes the escape sequence at `index` (a backslash): its scalar and the index after it.
    private func decodeEscape(at index: Int) throws(JSONParseError) -> (scalar: Unicode.Scalar, end: Int) {
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
    private func decodeUnicodeEscape(at index: Int) throws(JSONParseError) -> (scalar: Unicode.Scalar, end: Int) {
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

    private func hexQuad(at index: Int) throws(JSONParseError) -> UInt16 {
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
    private func endOfUTF8Sequence(at index: Int) throws(JSONParseError) -> Int {
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

    // MARK: Helpers

    /// The current byte, or nil at the end of the input.
    private var peek: UInt8? { position < input.count ? input[position] : nil }

    /// Consumes `byte` if it is the current byte.
    @inline(__always)
    private mutating func skip(_ byte: UInt8) -> Bool {
        guard position < input.count, input[position] == byte else { return false }
        position += 1
        return true
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < input.count {
            let byte = input[position]
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// An error at the current position: `unexpected end of input` there, else `message`.
    private func unexpected(_ message: String) -> JSONParseError {
        error(position < input.count ? message : "unexpected end of input", at: position)
    }

    /// An error at `offset`, with its line and column (counting scalars, that is non-continuation bytes).
    @inline(never)
    private func error(_ message: String, at offset: Int) -> JSONParseError {
        let before = UnsafeBufferPointer(rebasing: input[..<offset])
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = 1 + before.count { $0 == UInt8(ascii: "\n") }
        let column = 1 + before[lineStart...].count { $0 & 0xC0 != 0x80 }
        return JSONParseError(offset: offset, line: line, column: column, message: message)
    }
}
