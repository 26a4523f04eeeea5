extension JSONValue {
    /// The value as JSON text.
    ///
    /// The compact form has no whitespace (`{"a":1,"b":[true,null]}`); the pretty form indents
    /// by two spaces and writes `"key": value`. Object members keep their stored order.
    /// Non-ASCII characters are written as UTF-8, control characters escaped. Every finite double
    /// is written so that it parses back to the same value; non-finite doubles, which JSON
    /// cannot represent, are written as `null`.
    public func serialized(pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self, indent: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The value as compact JSON text, in UTF-8.
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.write(self, indent: 0)
        return writer.bytes
    }
}

/// Appends the JSON text of values to a byte buffer: what generated messages write themselves
/// with (`JSONWritable`), compact, without an `Encoder`.
public struct JSONWriter {
    public internal(set) var bytes: [UInt8] = []
    private let pretty: Bool
    /// Whether the next member or element needs a `,` before it.
    @usableFromInline var needsComma = false

    init(pretty: Bool) {
        self.pretty = pretty
        // An envelope (ids, timestamp, type, a small payload) is 300–500 bytes: room for it at
        // once, where 128 grew the array twice or three times per message.
        bytes.reserveCapacity(512)
    }

    /// A compact writer.
    public init() { self.init(pretty: false) }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): writeInteger(number)
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements): writeArray(elements, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue], indent: Int) {
        guard !elements.isEmpty else { return append("[]") }
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(indent: indent + 1)
            write(element, indent: indent + 1)
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject, indent: Int) {
        guard !object.members.isEmpty else { return append("{}") }
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(indent: indent + 1)
            writeString(member.key)
            bytes.append(UInt8(ascii: ":"))
            if pretty { bytes.append(UInt8(ascii: " ")) }
            write(member.value, indent: indent + 1)
        }
        newline(indent: indent)
        bytes.append(UInt8(ascii: "}"))
    }

    /// In pretty mode, starts a new line indented by `indent` levels.
    private mutating func newline(indent: Int) {
        guard pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func writeInteger(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        bytes[start...].reverse()
    }

    mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { return append("null") }
        // Swift's `description` is the shortest round-trip form: `1.0`, `0.1`, `1e+300`, `5e-324`,
        // all of them valid JSON numbers (integral values below 2^53 keep a `.0`).
        bytes.append(contentsOf: number.description.utf8)
    }

    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(for: byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(for byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0xF)])
        }
    }
}

extension JSONTape {
    /// The value at `index` as compact JSON text: the same bytes as `value(index).serializedBytes()`,
    /// without building the `JSONValue` (plain ASCII strings and keys are copied as they are).
    public func serializedBytes(_ index: Index) -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.write(self, index)
        return writer.bytes
    }
}

extension JSONWriter {
    mutating func write(_ tape: JSONTape, _ index: JSONTape.Index) {
        let entry = tape.entry(index)
        switch entry.kind {
        case .array:
            bytes.append(UInt8(ascii: "["))
            for (position, element) in tape.elements(of: index).enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(tape, element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object:
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in tape.members(of: index).enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(tape, member.key)
                bytes.append(UInt8(ascii: ":"))
                write(tape, member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        case .string:
            writeString(tape, index)
        default:
            write(tape.scalar(index), indent: 0)
        }
    }

    /// A string or key: plain ASCII needs no escape (JSON text cannot hold a raw quote, backslash or
    /// control character), so its bytes are its JSON; anything else is decoded and written again.
    private mutating func writeString(_ tape: JSONTape, _ index: JSONTape.Index) {
        guard tape.isPlainASCII(index) else { return writeString(tape.string(index)) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: tape.utf8(index))
        bytes.append(UInt8(ascii: "\""))
    }
}
