/// NATS message headers (ADR-4): a `NATS/1.0` version line that may carry a status code and a
/// description (`NATS/1.0 503`, `NATS/1.0 408 Request Timeout`), then `Name: value` lines. Names
/// keep their case and may repeat; values keep their order.
public struct NATSHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// The status code of a status message (`503` for no responders), if any.
    public var status: Int?
    /// The text after the status code, if any.
    public var statusDescription: String?
    public private(set) var fields: [Field] = []

    public init(status: Int? = nil, description: String? = nil) {
        self.status = status
        self.statusDescription = description
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public var isEmpty: Bool { fields.isEmpty && status == nil }

    /// Adds a value, keeping earlier values of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The first value of `name` (exact case, as ADR-4 prescribes); setting replaces every value.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name == name }?.value }
        set {
            fields.removeAll { $0.name == name }
            if let newValue { add(name, newValue) }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Whether a name or value can be written: no CR, LF, and no `:` or spaces in a name.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A }
    }
}
