/// A parsed JSON document as a flat tape of entries over the document's bytes: what generated
/// validators read, so that decoding builds no tree and no string it does not keep.
///
/// Entries are in document order. A string (value or key) is a byte range of the input, decoded
/// only when asked for; a number is already parsed; an array or object holds its element (or
/// member) count and the index of the entry after its last descendant, so that it can be skipped.
/// An object's members are key entries, each followed by its value.
///
/// A tape borrows the bytes it was parsed from and owns its entries only for the duration of
/// `JSONTape.parse(_:_:)`'s closure: never keep one beyond it.
public struct JSONTape {
    /// The position of an entry: 0 is the document's root value.
    public typealias Index = Int

    @usableFromInline
    struct Entry {
        @usableFromInline
        enum Kind: UInt8 { case null, bool, int, double, string, array, object }

        @usableFromInline var kind: Kind
        /// Strings: `escaped` and/or `nonASCII`; bools: 1 for true.
        @usableFromInline var flags: UInt8
        /// Strings: the start offset of the content; containers: the number of elements or members.
        @usableFromInline var a: UInt32
        /// Strings: the end offset of the content; numbers: their bits; containers: the index after the subtree.
        @usableFromInline var b: UInt64

        @usableFromInline static let escaped: UInt8 = 1
        @usableFromInline static let nonASCII: UInt8 = 2

        @inlinable
        init(kind: Kind, flags: UInt8 = 0, a: UInt32 = 0, b: UInt64 = 0) {
            self.kind = kind
            self.flags = flags
            self.a = a
            self.b = b
        }
    }

    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline let entries: UnsafePointer<Entry>

    @usableFromInline
    init(bytes: UnsafeBufferPointer<UInt8>, entries: UnsafePointer<Entry>) {
        self.bytes = bytes
        self.entries = entries
    }

    /// The index of the root value.
    public static let root: Index = 0

    // MARK: Parsing

    /// Parses one strict RFC 8259 JSON document (the same rules and errors as
    /// `JSONValue(parsing:)`) and calls `body` with its tape.
    @inlinable
    public static func parse<R>(_ bytes: some Collection<UInt8>, _ body: (JSONTape) -> R) -> Result<R, JSONParseError> {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, body) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, body) }
    }

    /// Parses into temporary storage: on the stack for documents of up to about 8 KiB (64 KiB of
    /// entries at most), allocated for larger ones.
    @inlinable
    static func parse<R>(buffer: UnsafeBufferPointer<UInt8>, _ body: (JSONTape) -> R) -> Result<R, JSONParseError> {
        let capacity = capacity(forByteCount: buffer.count)
        if capacity <= 4096 {
            return withUnsafeTemporaryAllocation(of: Entry.self, capacity: capacity) { parse(buffer: buffer, storage: $0, body) }
        }
        let storage = UnsafeMutableBufferPointer<Entry>.allocate(capacity: capacity)
        defer { storage.deallocate() }
        return parse(buffer: buffer, storage: storage, body)
    }

    @inlinable
    static func parse<R>(
        buffer: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<Entry>, _ body: (JSONTape) -> R
    ) -> Result<R, JSONParseError> {
        switch build(buffer, storage: storage) {
        case .success(let entries):
            defer { if entries != storage.baseAddress { entries.deallocate() } }
            return .success(body(JSONTape(bytes: buffer, entries: UnsafePointer(entries))))
        case .failure(let error):
            return .failure(error)
        }
    }

    @usableFromInline
    static func capacity(forByteCount count: Int) -> Int { JSONParser.capacity(forByteCount: count) }

    /// Where the entries of `buffer` are (`storage`, or an allocation when it was too small), or
    /// why it is not JSON.
    @usableFromInline
    static func build(
        _ buffer: UnsafeBufferPointer<UInt8>, storage: UnsafeMutableBufferPointer<Entry>
    ) -> Result<UnsafeMutablePointer<Entry>, JSONParseError> {
        JSONParser.tape(buffer, storage: storage)
    }

    /// Calls `body` with the tape of a value that is already parsed: its strings (keys included)
    /// are laid out as UTF-8 one after the other, its numbers kept as they are. What validating a
    /// `JSONValue` reads, without writing and parsing its text.
    @inlinable
    public static func of<R>(_ value: JSONValue, _ body: (JSONTape) -> R) -> R {
        let (entries, bytes) = layOut(value)
        return bytes.withUnsafeBufferPointer { bytes in
            entries.withUnsafeBufferPointer { entries in
                body(JSONTape(bytes: bytes, entries: entries.baseAddress!))
            }
        }
    }

    @usableFromInline
    static func layOut(_ value: JSONValue) -> (entries: [Entry], bytes: [UInt8]) {
        var builder = ValueTapeBuilder()
        builder.append(value)
        return (builder.entries, builder.bytes)
    }

    // MARK: Reading entries

    @inlinable
    func entry(_ index: Index) -> Entry { entries[index] }

    /// Whether the value is `null`.
    @inlinable
    public func isNull(_ index: Index) -> Bool { entries[index].kind == .null }

    /// Whether the value is an object.
    @inlinable
    public func isObject(_ index: Index) -> Bool { entries[index].kind == .object }

    /// Whether the value is a string.
    @inlinable
    public func isString(_ index: Index) -> Bool { entries[index].kind == .string }

    /// Whether the value is an array.
    @inlinable
    public func isArray(_ index: Index) -> Bool { entries[index].kind == .array }

    /// The number of elements of an array or members of an object (duplicates included).
    @inlinable
    public func count(_ index: Index) -> Int { Int(entries[index].a) }

    /// The index of the entry after the value and everything in it.
    @inlinable
    public func after(_ index: Index) -> Index {
        let entry = entries[index]
        return entry.kind == .array || entry.kind == .object ? Index(truncatingIfNeeded: entry.b) : index + 1
    }

    /// The JSON type name used in validation messages, as `JSONValue.typeName`.
    public func typeName(_ index: Index) -> String {
        switch entries[index].kind {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A scalar value as a `JSONValue`: null, booleans, numbers and strings as they are; an
    /// array or object comes back empty (only its type is kept). What scalar checks read.
    @inlinable
    public func scalar(_ index: Index) -> JSONValue {
        let entry = entries[index]
        switch entry.kind {
        case .null: return .null
        case .bool: return .bool(entry.flags != 0)
        case .int: return .int(Int64(bitPattern: entry.b))
        case .double: return .double(Double(bitPattern: entry.b))
        case .string: return .string(string(index))
        case .array: return .array([])
        case .object: return .object(JSONObject())
        }
    }

    /// The value and everything in it as a `JSONValue`.
    public func value(_ index: Index) -> JSONValue {
        let entry = entries[index]
        switch entry.kind {
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(entry.a))
            for element in self.elements(of: index) { elements.append(value(element)) }
            return .array(elements)
        case .object:
            var members: [JSONObject.Member] = []
            members.reserveCapacity(Int(entry.a))
            for member in self.members(of: index) {
                members.append(JSONObject.Member(key: string(member.key), value: value(member.value)))
            }
            return .object(JSONObject(members))
        default:
            return scalar(index)
        }
    }

    /// The text of a string value or key.
    @inlinable
    public func string(_ index: Index) -> String {
        let entry = entries[index]
        let content = UnsafeBufferPointer(rebasing: bytes[Int(entry.a)..<Int(truncatingIfNeeded: entry.b)])
        if entry.flags & Entry.escaped == 0 { return String(decoding: content, as: UTF8.self) }
        return Self.unescape(content)
    }

    @usableFromInline
    static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String { JSONParser.unescape(content) }

    /// Whether a string's bytes are its text and all ASCII (no escapes, nothing beyond U+007F):
    /// then two such strings are equal exactly when their bytes are.
    @inlinable
    func isPlainASCII(_ index: Index) -> Bool { entries[index].flags == 0 }

    @inlinable
    func utf8(_ index: Index) -> UnsafeBufferPointer<UInt8> {
        let entry = entries[index]
        return UnsafeBufferPointer(rebasing: bytes[Int(entry.a)..<Int(truncatingIfNeeded: entry.b)])
    }
}

/// Lays out a `JSONValue` as tape entries (`JSONTape.of(_:_:)`).
private struct ValueTapeBuilder {
    typealias Entry = JSONTape.Entry

    var entries: [Entry] = []
    var bytes: [UInt8] = []

    init() {
        entries.reserveCapacity(16)
        bytes.reserveCapacity(128)
    }

    mutating func append(_ value: JSONValue) {
        switch value {
        case .null: entries.append(Entry(kind: .null))
        case .bool(let flag): entries.append(Entry(kind: .bool, flags: flag ? 1 : 0))
        case .int(let number): entries.append(Entry(kind: .int, b: UInt64(bitPattern: number)))
        case .double(let number): entries.append(Entry(kind: .double, b: number.bitPattern))
        case .string(let text): append(text)
        case .array(let elements):
            let index = entries.count
            entries.append(Entry(kind: .array, a: UInt32(truncatingIfNeeded: elements.count)))
            for element in elements { append(element) }
            entries[index].b = UInt64(entries.count)
        case .object(let object):
            let index = entries.count
            entries.append(Entry(kind: .object, a: UInt32(truncatingIfNeeded: object.members.count)))
            for member in object.members {
                append(member.key)
                append(member.value)
            }
            entries[index].b = UInt64(entries.count)
        }
    }

    /// A string as its UTF-8 (never escaped), flagged when it has non-ASCII characters.
    mutating func append(_ text: String) {
        let start = bytes.count
        var text = text
        let nonASCII = text.withUTF8 { utf8 in
            bytes.append(contentsOf: utf8)
            return utf8.contains { $0 >= 0x80 }
        }
        entries.append(Entry(
            kind: .string, flags: nonASCII ? Entry.nonASCII : 0, a: UInt32(truncatingIfNeeded: start), b: UInt64(bytes.count)))
    }
}
