/// One problem with a payload, in Zod 4's issue model: a machine `code`, a `path`, the code's
/// details and a human `message`. The message is composed from the details when it is read, so
/// that failing fast stays cheap; it never contains the payload's values, so a `secret` field
/// cannot leak through it.
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

    /// What an issue of each code carries.
    public enum Details: Hashable, Sendable {
        /// `invalid_type`: the expected type and what was there (`undefined` when absent).
        case type(expected: String, received: String)
        /// `too_small` / `too_big`: `string`, `number`, `int`, `array` or `object`, the limit, whether it is allowed.
        case bound(origin: String, limit: Double, inclusive: Bool)
        /// `invalid_format`: a named format.
        case format(StringFormat)
        /// `invalid_format`: a `pattern` that did not match.
        case pattern(String)
        /// `not_multiple_of`.
        case divisor(Double)
        /// `invalid_value`: the allowed values.
        case values([String])
        /// `invalid_value` of `uniqueItems`: the item at the end of the path repeats an earlier one.
        case repeatedItem
        /// `unrecognized_keys`.
        case keys([String])
        /// `invalid_union`: the discriminator, what it held, the tags it may hold.
        case union(discriminator: String, received: String, tags: [String])
        /// Anything else, with its message (`invalid_json`).
        case text(String)
    }

    public var code: Code
    public var path: JSONPath
    public var details: Details

    public init(code: Code, path: JSONPath, details: Details) {
        self.code = code
        self.path = path
        self.details = details
    }

    /// An issue whose message is given as is.
    public init(code: Code, path: JSONPath, message: String) {
        self.init(code: code, path: path, details: .text(message))
    }

    /// `seats[2].row: too_small: Too small: expected string to have >=1 characters`.
    public var description: String { "\(path): \(code.rawValue): \(message)" }

    // MARK: Details by name, as Zod's issue fields

    public var expected: String? {
        if case .type(let expected, _) = details { return expected }
        return nil
    }

    public var received: String? {
        switch details {
        case .type(_, let received), .union(_, let received, _): received
        default: nil
        }
    }

    public var origin: String? {
        if case .bound(let origin, _, _) = details { return origin }
        return nil
    }

    public var minimum: Double? {
        if case .bound(_, let limit, _) = details, code == .tooSmall { return limit }
        return nil
    }

    public var maximum: Double? {
        if case .bound(_, let limit, _) = details, code == .tooBig { return limit }
        return nil
    }

    public var inclusive: Bool? {
        if case .bound(_, _, let inclusive) = details { return inclusive }
        return nil
    }

    /// The format name, or `regex` for a pattern.
    public var format: String? {
        switch details {
        case .format(let format): format.rawValue
        case .pattern: "regex"
        default: nil
        }
    }

    public var pattern: String? {
        if case .pattern(let source) = details { return source }
        return nil
    }

    public var divisor: Double? {
        if case .divisor(let divisor) = details { return divisor }
        return nil
    }

    public var values: [String]? {
        switch details {
        case .values(let values), .union(_, _, let values): values
        default: nil
        }
    }

    public var keys: [String]? {
        if case .keys(let keys) = details { return keys }
        return nil
    }

    public var discriminator: String? {
        if case .union(let discriminator, _, _) = details { return discriminator }
        return nil
    }

    public var note: String? {
        switch details {
        case .union: "No matching discriminator"
        case .repeatedItem: "uniqueItems"
        default: nil
        }
    }
}

/// The issues of a payload that failed validation, in the order they were found.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
