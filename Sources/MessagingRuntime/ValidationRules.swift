/// The checks on a string, in the order they run: length, format, pattern, allowed values.
public struct StringRules: Sendable {
    public var minLength: Int?
    public var maxLength: Int?
    public var format: StringFormat?
    public var pattern: Pattern?
    public var allowedValues: [String]?

    public init(
        minLength: Int? = nil, maxLength: Int? = nil, format: StringFormat? = nil, pattern: Pattern? = nil,
        allowedValues: [String]? = nil
    ) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.format = format
        self.pattern = pattern
        self.allowedValues = allowedValues
    }

    public static let none = StringRules()
}

/// The checks on a number, in the order they run: minimum, exclusive minimum, maximum,
/// exclusive maximum, multiple of.
public struct NumberRules: Sendable {
    public var min: Double?
    public var exclusiveMin: Double?
    public var max: Double?
    public var exclusiveMax: Double?
    public var multipleOf: Double?

    public init(
        min: Double? = nil, exclusiveMin: Double? = nil, max: Double? = nil, exclusiveMax: Double? = nil,
        multipleOf: Double? = nil
    ) {
        self.min = min
        self.exclusiveMin = exclusiveMin
        self.max = max
        self.exclusiveMax = exclusiveMax
        self.multipleOf = multipleOf
    }

    public static let none = NumberRules()
}

/// The checks on an array's items or a map's properties: count bounds and, for arrays, uniqueness.
public struct CountRules: Sendable {
    public var min: Int?
    public var max: Int?
    public var unique: Bool

    public init(min: Int? = nil, max: Int? = nil, unique: Bool = false) {
        self.min = min
        self.max = max
        self.unique = unique
    }

    public static let none = CountRules()
}

/// A compiled, unanchored regular expression (JSON Schema's `pattern`), searched anywhere in the
/// string with ECMA-262's meaning, as JSON Schema specifies: Unicode scalars, ASCII `\d` and `\w`,
/// `$` only at the very end. Simple patterns run on a small dedicated matcher; the rest on Swift's
/// regex engine.
public final class Pattern: @unchecked Sendable {
    // Regex is an immutable value; matching does not mutate it, so sharing it across threads is safe.
    private let regex: Regex<AnyRegexOutput>
    private let simple: SimplePattern?
    public let source: String

    /// - Precondition: `source` is a valid pattern (the schema compiler has checked it).
    public init(_ source: String) {
        self.source = source
        do {
            self.regex = try Self.compile(source)
        } catch {
            preconditionFailure("invalid pattern /\(source)/: \(error)")
        }
        self.simple = SimplePattern(source)
    }

    /// Whether the pattern is a valid regular expression.
    public static func isValid(_ source: String) -> Bool {
        (try? compile(source)) != nil
    }

    public func matches(_ text: String) -> Bool {
        if let simple { return simple.matches(text) }
        return matchesWithRegexEngine(text)
    }

    /// The general engine's answer, whatever the pattern (for tests that compare the two).
    public func matchesWithRegexEngine(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// Whether the pattern runs on the dedicated matcher.
    public var isSimple: Bool { simple != nil }

    private static func compile(_ source: String) throws -> Regex<AnyRegexOutput> {
        try Regex(source).matchingSemantics(.unicodeScalar).asciiOnlyDigits().asciiOnlyWordCharacters()
    }
}
