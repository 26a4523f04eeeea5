import Foundation

/// A value that writes its own compact JSON. Schema types conform through generated code, so
/// that envelopes go out without Foundation's `JSONEncoder`: its boxes, dictionaries and
/// existential containers were a fifth of a service's CPU time per request (perf, gateway bench).
/// The text is what `JSONEncoder` writes for the same value, except that map keys come sorted
/// and UUIDs lower case at any depth.
public protocol JSONWritable {
    func writeJSON(to json: inout JSONOutput)
}

extension JSONWritable {
    /// The value as compact JSON, in UTF-8.
    public func jsonBytes() -> [UInt8] {
        var json = JSONOutput()
        writeJSON(to: &json)
        return json.bytes
    }
}

/// Compact JSON text in UTF-8, appended to by ``JSONWritable`` values. Objects are written
/// with ``beginObject()``, one ``member(_:_:)`` per member (the comma is taken care of) and
/// ``endObject()``.
public struct JSONOutput: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }

    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// `"name":` and the value, after a comma unless it is the object's first member.
    public mutating func member(_ name: String, _ value: some JSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }

    /// A member left out when `value` is nil (an optional field; a nullable one is written as
    /// `null` with ``member(_:_:)``).
    public mutating func member(_ name: String, ifPresent value: (some JSONWritable)?) {
        guard let value else { return }
        member(name, value)
    }

    /// `"name":`, after a comma unless it is the object's first member.
    public mutating func key(_ name: String) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `[`, the elements separated by commas, `]`.
    public mutating func array<Elements: Sequence>(_ elements: Elements) where Elements.Element: JSONWritable {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element.writeJSON(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func null() { append("null") }

    public mutating func bool(_ value: Bool) { append(value ? "true" : "false") }

    public mutating func integer(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        bytes[start...].reverse()
    }

    /// The shortest text that parses back to `number`; `null` for infinities and NaN, which
    /// JSON cannot represent.
    public mutating func double(_ number: Double) {
        guard number.isFinite else { return null() }
        // Swift's `description` is the shortest round-trip form: `1.0`, `0.1`, `1e+300`, `5e-324`,
        // all of them valid JSON numbers (integral values below 2^53 keep a `.0`).
        bytes.append(contentsOf: number.description.utf8)
    }

    /// A string, quoted; `"`, `\` and control characters escaped, the rest as UTF-8.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(for: byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Text known to need no escaping (a date, a UUID), quoted.
    mutating func plainString(_ utf8: some Sequence<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

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
            append("u00")
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0xF)])
        }
    }
}

// MARK: - The field types of schemas

extension String: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.string(self) }
}

extension Int: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.integer(Int64(self)) }
}

extension Double: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.double(self) }
}

extension Bool: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.bool(self) }
}

extension UUID: JSONWritable {
    /// Lower case, as the schema's `uuid` format is written everywhere.
    public func writeJSON(to json: inout JSONOutput) {
        let hex: StaticString = "0123456789abcdef"
        json.append(byte: UInt8(ascii: "\""))
        withUnsafeBytes(of: uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { json.append(byte: UInt8(ascii: "-")) }
                json.append(byte: hex.utf8Start[Int(byte >> 4)])
                json.append(byte: hex.utf8Start[Int(byte & 0xF)])
            }
        }
        json.append(byte: UInt8(ascii: "\""))
    }
}

extension DateTime: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.plainString(rfc3339String.utf8) }
}

extension CalendarDate: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.plainString(isoString.utf8) }
}

extension JSONValue: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) {
        switch self {
        case .null: json.null()
        case .bool(let flag): json.bool(flag)
        case .int(let number): json.integer(number)
        case .double(let number): json.double(number)
        case .string(let text): json.string(text)
        case .array(let elements): json.array(elements)
        case .object(let object):
            json.beginObject()
            for member in object.members { json.member(member.key, member.value) }
            json.endObject()
        }
    }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    /// `null` when nil.
    public func writeJSON(to json: inout JSONOutput) {
        if let self { self.writeJSON(to: &json) } else { json.null() }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) { json.array(self) }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    /// An object, keys sorted (the same map always gives the same text).
    public func writeJSON(to json: inout JSONOutput) {
        json.beginObject()
        for key in keys.sorted() { json.member(key, self[key]!) }
        json.endObject()
    }
}

extension JSONWritable where Self: RawRepresentable, RawValue == String {
    /// A schema enum: its value.
    public func writeJSON(to json: inout JSONOutput) { json.string(rawValue) }
}
