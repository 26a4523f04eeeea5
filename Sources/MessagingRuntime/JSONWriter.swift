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

/// Appends the JSON text of values to a byte buffer, compact or pretty (the primitives are
/// ``JSONOutput``'s).
struct JSONWriter {
    private var out = JSONOutput(capacity: 128)
    private let pretty: Bool

    init(pretty: Bool) { self.pretty = pretty }

    var bytes: [UInt8] { out.bytes }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: out.null()
        case .bool(let flag): out.bool(flag)
        case .int(let number): out.integer(number)
        case .double(let number): out.double(number)
        case .string(let text): out.string(text)
        case .array(let elements): writeArray(elements, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue], indent: Int) {
        guard !elements.isEmpty else { return out.append("[]") }
        out.append(byte: UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(byte: UInt8(ascii: ",")) }
            newline(indent: indent + 1)
            write(element, indent: indent + 1)
        }
        newline(indent: indent)
        out.append(byte: UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject, indent: Int) {
        guard !object.members.isEmpty else { return out.append("{}") }
        out.append(byte: UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { out.append(byte: UInt8(ascii: ",")) }
            newline(indent: indent + 1)
            out.string(member.key)
            out.append(byte: UInt8(ascii: ":"))
            if pretty { out.append(byte: UInt8(ascii: " ")) }
            write(member.value, indent: indent + 1)
        }
        newline(indent: indent)
        out.append(byte: UInt8(ascii: "}"))
    }

    /// In pretty mode, starts a new line indented by `indent` levels.
    private mutating func newline(indent: Int) {
        guard pretty else { return }
        out.append(byte: UInt8(ascii: "\n"))
        for _ in 0..<(2 * indent) { out.append(byte: UInt8(ascii: " ")) }
    }
}
