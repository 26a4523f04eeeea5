/// A JSON value as it was read: numbers keep whether they were written as integers,
/// and objects keep their members in document order (duplicates included; the last wins on lookup).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Whether this is `null` (cheaper than `== .null`, which compares payloads).
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON type name used in validation messages: `null`, `boolean`, `number`, `string`, `array`, `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The numeric value of an `int` or `double`, else nil.
    public var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// JSON equality, as JSON Schema's `uniqueItems` and `const` use it: `1` equals `1.0`,
    /// objects are equal when they have the same keys with equal values, whatever the order.
    public func isJSONEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            return numberValue == other.numberValue
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isJSONEqual(to: $1) }
        case (.object(let a), .object(let b)):
            let left = a.deduplicated, right = b.deduplicated
            guard left.count == right.count else { return false }
            return left.members.allSatisfy { member in
                right[member.key].map { member.value.isJSONEqual(to: $0) } ?? false
            }
        default: return false
        }
    }
}

/// A JSON object: members in document order.
public struct JSONObject: Sendable, Hashable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    public var count: Int { members.count }

    /// Whether some key appears twice (rare: JSON objects almost never repeat keys).
    public var hasRepeatedKeys: Bool { Self.repeatsAKey(members) { $0.key } }

    /// Whether two of `members` have the same `key`: pairwise for a few, with a set for many.
    static func repeatsAKey<Members: RandomAccessCollection>(_ members: Members, _ key: (Members.Element) -> String) -> Bool
    where Members.Index == Int {
        guard members.count > 1 else { return false }
        if members.count <= 16 {
            for i in 1..<members.count {
                for j in 0..<i where key(members[j]) == key(members[i]) { return true }
            }
            return false
        }
        var seen = Set<String>(minimumCapacity: members.count)
        return !members.allSatisfy { seen.insert(key($0)).inserted }
    }

    /// The value of the last member named `key`, as JavaScript's `JSON.parse` keeps it.
    public subscript(key: String) -> JSONValue? {
        get { members.last(where: { $0.key == key })?.value }
        set {
            members.removeAll { $0.key == key }
            if let newValue { members.append(Member(key: key, value: newValue)) }
        }
    }

    /// The object with each key once (its last value), in order of first appearance.
    public var deduplicated: JSONObject {
        if !hasRepeatedKeys { return self }
        var seen: [String: Int] = [:]
        var result: [Member] = []
        result.reserveCapacity(members.count)
        for member in members {
            if let index = seen[member.key] {
                result[index].value = member.value
            } else {
                seen[member.key] = result.count
                result.append(member)
            }
        }
        return JSONObject(result)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}
