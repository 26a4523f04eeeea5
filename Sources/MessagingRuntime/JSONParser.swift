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

    let input: UnsafeBufferPointer<UInt8>
    var position = 0
    /// The entries written so far, in storage that grows by doubling.
    var entries: UnsafeMutablePointer<Entry>
    var count = 0
    var capacity: Int

    /// The storage that is enough for the entries of `count` bytes: every entry after the first
    /// takes at least two bytes (a value and a separator or bracket).
    static func capacity(forByteCount count: Int) -> Int { count / 2 + 2 }

    /// The storage that was given, if it was enough.
    let storage: UnsafeMutablePointer<Entry>

    init(input: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<Entry>) {
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
    mutating func append(_ entry: Entry) {
        if count == capacity { grow() }
        (entries + count).initialize(to: entry)
        count += 1
    }

    @inline(never)
    mutating func grow() {
        let larger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: entries, count: count)
        if entries != storage { entries.deallocate() }
        entries = larger
        capacity *= 2
    }

    /// Parses one value. Open arrays and objects are not kept by recursion, so that no input can
    /// exhaust the call stack: while one is open, its entry holds the index of the enclosing one
    /// and that one's element count so far, and gets its own count and end when it closes.
    mutating func parseValue() throws(JSONParseError) {
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
    mutating func parseScalar() throws(JSONParseError) {
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
    mutating func parseKey() throws(JSONParseError) {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw unexpected("expected a string key") }
        try parseString()
        skipWhitespace()
        guard skip(UInt8(ascii: ":")) else { throw unexpected("expected ':'") }
    }

    mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        guard input.count - start >= count,
            input[start..<start + count].elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: count))
        else { throw error("invalid literal, expected '\(literal)'", at: start) }
        position += count
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
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
    mutating func accumulateDigits(into mantissa: inout UInt64, count: inout Int) -> Int {
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

    // MARK: Helpers

    /// The current byte, or nil at the end of the input.
    var peek: UInt8? { position < input.count ? input[position] : nil }

    /// Consumes `byte` if it is the current byte.
    @inline(__always)
    mutating func skip(_ byte: UInt8) -> Bool {
        guard position < input.count, input[position] == byte else { return false }
        position += 1
        return true
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < input.count {
            let byte = input[position]
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// An error at the current position: `unexpected end of input` there, else `message`.
    func unexpected(_ message: String) -> JSONParseError {
        error(position < input.count ? message : "unexpected end of input", at: position)
    }

    /// An error at `offset`, with its line and column (counting scalars, that is non-continuation bytes).
    @inline(never)
    func error(_ message: String, at offset: Int) -> JSONParseError {
        let before = UnsafeBufferPointer(rebasing: input[..<offset])
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = 1 + before.count { $0 == UInt8(ascii: "\n") }
        let column = 1 + before[lineStart...].count { $0 & 0xC0 != 0x80 }
        return JSONParseError(offset: offset, line: line, column: column, message: message)
    }
}
