/// One problem with a payload, in Zod 4's issue model: a machine `code`, a `path`, a human
/// `message` and the code's details. Messages never contain the payload's values, so a `secret`
/// field cannot leak through them.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// Zod 4's issue codes, plus `invalid_json` for bytes that are not JSON at all.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        case invalidType = "invalid_type"
        case tooSmall = "too_small"
        case tooBig = "too_big"
        case invalidFormat = "invalid_format"
        case notMultipleOf = "not_multiple_of"
        case invalidValue = "invalid_value"
        case unrecognizedKeys = "unrecognized_keys"
        case invalidUnion = "invalid_union"
        case invalidJSON = "invalid_json"
    }

    public var code: Code
    public var path: JSONPath
    public var message: String
    /// `invalid_type`: the expected type (`string`, `int`, `number`, `boolean`, `object`, `array`).
    public var expected: String?
    /// `invalid_type`, `invalid_union`: what was there (`undefined` when absent).
    public var received: String?
    /// `too_small`, `too_big`: `string`, `number`, `int`, `array` or `object`.
    public var origin: String?
    public var minimum: Double?
    public var maximum: Double?
    public var inclusive: Bool?
    /// `invalid_format`: the format name, or `regex` with `pattern`.
    public var format: String?
    public var pattern: String?
    public var divisor: Double?
    /// `invalid_value`, `invalid_union`: the allowed values.
    public var values: [String]?
    /// `unrecognized_keys`.
    public var keys: [String]?
    /// `invalid_union`: the discriminator field and a note.
    public var discriminator: String?
    public var note: String?

    public init(code: Code, path: JSONPath, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `seats[2].row: too_small: Too small: expected string to have >=1 characters`.
    public var description: String { "\(path): \(code.rawValue): \(message)" }

    /// The issue as Zod prints it: `{"code":…,"path":[…],"message":…, details}`.
    public var jsonValue: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "code", value: .string(code.rawValue)),
            .init(key: "path", value: path.jsonValue),
            .init(key: "message", value: .string(message)),
        ]
        func add(_ key: String, _ value: JSONValue?) {
            if let value { members.append(.init(key: key, value: value)) }
        }
        add("expected", expected.map(JSONValue.string))
        add("received", received.map(JSONValue.string))
        add("origin", origin.map(JSONValue.string))
        add("minimum", minimum.map(Self.number))
        add("maximum", maximum.map(Self.number))
        add("inclusive", inclusive.map(JSONValue.bool))
        add("format", format.map(JSONValue.string))
        add("pattern", pattern.map(JSONValue.string))
        add("divisor", divisor.map(Self.number))
        add("values", values.map { .array($0.map(JSONValue.string)) })
        add("keys", keys.map { .array($0.map(JSONValue.string)) })
        add("discriminator", discriminator.map(JSONValue.string))
        add("note", note.map(JSONValue.string))
        return .object(JSONObject(members))
    }

    static func number(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 9.0e15 { return .int(Int64(value)) }
        return .double(value)
    }
}

/// The issues of a payload that failed validation, in the order they were found.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
