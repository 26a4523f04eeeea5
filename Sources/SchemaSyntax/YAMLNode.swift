public import SchemaDiagnostics

/// A YAML node with the source range it was read from. Scalars stay text: the schema compiler
/// decides what a scalar means from where it stands (a `default: 10` of a string field is "10").
public struct YAMLNode: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The scalar's text, if this node is a scalar.
    public var text: String? { scalar?.text }

    /// The pairs, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// "a mapping", "a sequence", "a scalar": for diagnostics.
    public var kindDescription: String {
        switch kind {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        }
    }

    /// The value of the key named `key`, if this node is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key.text == key })?.value
    }
}

/// A scalar's text and whether it was written plain (unquoted), where `null`, `true` and `12` mean
/// YAML's null, boolean and number.
public struct YAMLScalar: Hashable, Sendable {
    public var text: String
    public var isPlain: Bool

    public init(text: String, isPlain: Bool) {
        self.text = text
        self.isPlain = isPlain
    }

    /// A plain `null`, `~` or empty scalar.
    public var isNull: Bool { isPlain && (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.isEmpty) }
}

/// A `key: value` pair of a mapping; keys are scalars.
public struct YAMLPair: Hashable, Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }

    /// The key's text (keys are always scalars once read).
    public var name: String { key.text ?? "" }
}
