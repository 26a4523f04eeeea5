/// The checks on a field's value. String and number constraints apply to the innermost value
/// (the elements of a `string[]`); item and property counts apply to the outer array or map.
public struct Constraints: Hashable, Sendable {
    public var minLength: Int?
    public var maxLength: Int?
    /// An unanchored regular expression, as JSON Schema's `pattern`.
    public var pattern: String?
    public var format: Format?
    /// Inline `enum: [..]` on a string field.
    public var allowedValues: [String]?
    public var min: Double?
    public var max: Double?
    public var exclusiveMin: Double?
    public var exclusiveMax: Double?
    public var multipleOf: Double?
    public var minItems: Int?
    public var maxItems: Int?
    public var uniqueItems: Bool
    public var minProperties: Int?
    public var maxProperties: Int?

    public init(
        minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil, format: Format? = nil,
        allowedValues: [String]? = nil, min: Double? = nil, max: Double? = nil, exclusiveMin: Double? = nil,
        exclusiveMax: Double? = nil, multipleOf: Double? = nil, minItems: Int? = nil, maxItems: Int? = nil,
        uniqueItems: Bool = false, minProperties: Int? = nil, maxProperties: Int? = nil
    ) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.format = format
        self.allowedValues = allowedValues
        self.min = min
        self.max = max
        self.exclusiveMin = exclusiveMin
        self.exclusiveMax = exclusiveMax
        self.multipleOf = multipleOf
        self.minItems = minItems
        self.maxItems = maxItems
        self.uniqueItems = uniqueItems
        self.minProperties = minProperties
        self.maxProperties = maxProperties
    }

    /// A string format, by its JSON Schema name.
    public enum Format: String, Hashable, Sendable, CaseIterable {
        case email, uuid, uri
        case dateTime = "date-time"
        case date, hostname, ipv4, ipv6
    }

    public var hasStringRules: Bool {
        minLength != nil || maxLength != nil || pattern != nil || format != nil || allowedValues != nil
    }

    public var hasNumberRules: Bool {
        min != nil || max != nil || exclusiveMin != nil || exclusiveMax != nil || multipleOf != nil
    }

    public var hasArrayRules: Bool { minItems != nil || maxItems != nil || uniqueItems }
    public var hasMapRules: Bool { minProperties != nil || maxProperties != nil }
}
