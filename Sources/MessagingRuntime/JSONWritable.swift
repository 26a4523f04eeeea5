public import Foundation

/// A value that writes its own JSON text: generated messages, their fields' types, envelopes.
/// The text is what `JSONEncoder` gives for the same value, as JSON (member order aside,
/// UUIDs lower case, `/` not escaped), without an `Encoder` in between.
public protocol JSONWritable {
    func writeJSON(to json: inout JSONWriter)
}

extension JSONWritable {
    /// The value as compact JSON text, in UTF-8.
    public func jsonBytes() -> [UInt8] {
        var json = JSONWriter()
        writeJSON(to: &json)
        return json.bytes
    }
}

extension JSONWriter {
    // MARK: Containers

    public mutating func objectStart() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func objectEnd() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func arrayStart() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func arrayEnd() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"key":value` in the current object.
    @inlinable
    public mutating func member(_ key: StaticString, _ value: some JSONWritable) {
        self.key(key)
        value.writeJSON(to: &self)
    }

    /// `"key":` in the current object; the value comes next.
    public mutating func key(_ key: StaticString) {
        separate()
        let name = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        if name.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: name)
            bytes.append(UInt8(ascii: "\""))
        } else {
            writeString(String(decoding: name, as: UTF8.self))
        }
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// `"key":value` for a key known only at run time (a map's).
    public mutating func key(_ key: String) {
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Scalars

    public mutating func string(_ text: String) {
        separate()
        writeString(text)
        needsComma = true
    }

    public mutating func integer(_ number: Int64) {
        separate()
        writeInteger(number)
        needsComma = true
    }

    public mutating func number(_ number: Double) {
        separate()
        writeDouble(number)
        needsComma = true
    }

    public mutating func bool(_ flag: Bool) {
        separate()
        append(flag ? "true" : "false")
        needsComma = true
    }

    public mutating func null() {
        separate()
        append("null")
        needsComma = true
    }

    public mutating func value(_ value: JSONValue) {
        separate()
        write(value, indent: 0)
        needsComma = true
    }

    /// A UUID as a lower-case string, as subjects, keys and tokens have them.
    public mutating func uuid(_ uuid: UUID) {
        separate()
        let hex: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: uuid.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// An instant as its RFC 3339 string (``DateTime/rfc3339String``), formatted in place.
    public mutating func dateTime(_ value: DateTime) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}

// MARK: - The types of fields

extension String: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.string(self) }
}

extension Int: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.integer(Int64(self)) }
}

extension Double: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.number(self) }
}

extension Bool: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.bool(self) }
}

extension UUID: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.uuid(self) }
}

extension DateTime: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.dateTime(self) }
}

extension CalendarDate: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.string(isoString) }
}

extension JSONValue: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) { json.value(self) }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    /// `null` for nil (a nullable field's absent value).
    public func writeJSON(to json: inout JSONWriter) {
        if let self { self.writeJSON(to: &json) } else { json.null() }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) {
        json.arrayStart()
        for element in self { element.writeJSON(to: &json) }
        json.arrayEnd()
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    public func writeJSON(to json: inout JSONWriter) {
        json.objectStart()
        for (key, value) in self {
            json.key(key)
            value.writeJSON(to: &json)
        }
        json.objectEnd()
    }
}

extension JSONWritable where Self: RawRepresentable, RawValue == String {
    /// A string enum writes its raw value.
    public func writeJSON(to json: inout JSONWriter) { json.string(rawValue) }
}
