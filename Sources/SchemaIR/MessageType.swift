/// A message: a record of fields, or a tagged union of record messages.
public struct MessageType: Hashable, Sendable {
    public enum Shape: Hashable, Sendable {
        case record(fields: [Field], unknownFields: UnknownFields)
        /// JSON: the `discriminator` field holds the tag, the variant's fields sit beside it.
        case union(discriminator: String, variants: [UnionVariant])
    }

    public var name: QualifiedName
    public var description: String?
    public var deprecated: Bool
    public var shape: Shape

    public init(name: QualifiedName, description: String?, deprecated: Bool = false, shape: Shape) {
        self.name = name
        self.description = description
        self.deprecated = deprecated
        self.shape = shape
    }

    /// The record's fields; empty for a union.
    public var fields: [Field] {
        if case .record(let fields, _) = shape { return fields }
        return []
    }
}

/// What a record does with keys it does not declare: Zod's strict (`reject`) or default (`strip`).
public enum UnknownFields: String, Hashable, Sendable, CaseIterable {
    case reject, strip
}

/// One variant of a union: its tag and the record message it carries.
public struct UnionVariant: Hashable, Sendable {
    public var tag: String
    public var message: QualifiedName

    public init(tag: String, message: QualifiedName) {
        self.tag = tag
        self.message = message
    }
}

/// A field of a record message.
public struct Field: Hashable, Sendable {
    public var name: String
    public var type: FieldType
    /// May be absent.
    public var optional: Bool
    /// May be null.
    public var nullable: Bool
    /// Used when the field is absent; already checked against the field's type and constraints.
    public var defaultValue: Literal?
    public var description: String?
    public var deprecated: Bool
    public var example: Literal?
    /// Never logged, never echoed back in an error.
    public var secret: Bool
    public var constraints: Constraints

    public init(
        name: String, type: FieldType, optional: Bool = false, nullable: Bool = false, defaultValue: Literal? = nil,
        description: String? = nil, deprecated: Bool = false, example: Literal? = nil, secret: Bool = false,
        constraints: Constraints = Constraints()
    ) {
        self.name = name
        self.type = type
        self.optional = optional
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.description = description
        self.deprecated = deprecated
        self.example = example
        self.secret = secret
        self.constraints = constraints
    }

    /// A field that may be missing from a valid payload without a default filling it in.
    public var mayBeAbsent: Bool { optional && defaultValue == nil }
}

/// A field's type.
public indirect enum FieldType: Hashable, Sendable, CustomStringConvertible {
    case string, int, double, bool, uuid, datetime, date, json
    case enumeration(QualifiedName)
    case message(QualifiedName)
    case array(FieldType)
    case map(FieldType)

    /// The innermost type of arrays and maps.
    public var leaf: FieldType {
        switch self {
        case .array(let element), .map(let element): element.leaf
        default: self
        }
    }

    /// As written in a schema: `string`, `auth.Role`, `int[]`, `map<string>`.
    public var description: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .double: "double"
        case .bool: "bool"
        case .uuid: "uuid"
        case .datetime: "datetime"
        case .date: "date"
        case .json: "json"
        case .enumeration(let name), .message(let name): name.description
        case .array(let element): "\(element)[]"
        case .map(let element): "map<\(element)>"
        }
    }
}

/// A value written in a schema (`default:`, `example:`), typed by the field it belongs to.
public indirect enum Literal: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([Literal])
    case object([(String, Literal)])

    public static func == (lhs: Literal, rhs: Literal) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .int(let value): hasher.combine(value)
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let items): hasher.combine(items)
        case .object(let members):
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }
}

extension FieldType {
    /// The JSON type a value of this type has, as `invalid_type` issues name it:
    /// `string`, `int`, `number`, `boolean`, `object`, `array` or `json` (any value).
    public var jsonTypeName: String {
        switch self {
        case .string, .uuid, .datetime, .date, .enumeration: "string"
        case .int: "int"
        case .double: "number"
        case .bool: "boolean"
        case .json: "json"
        case .message, .map: "object"
        case .array: "array"
        }
    }
}
