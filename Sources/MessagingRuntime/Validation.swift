/// The checks that generated validators and the schema interpreter both call, so that the two
/// report exactly the same issues. Each function appends to `issues` and returns nil only after
/// it appended at least one issue.
public enum Validation {
    /// Appends an issue, making room for several at the first one: a payload that has one issue
    /// often has more, and growing the array one by one shows in the cost of rejecting it.
    @inlinable
    public static func report(_ issues: inout [ValidationIssue], _ issue: ValidationIssue) {
        if issues.capacity == 0 { issues.reserveCapacity(8) }
        issues.append(issue)
    }

    // MARK: Objects and fields

    /// The object, or an `invalid_type` issue.
    public static func object(
        _ value: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> JSONObject? {
        if case .object(let object) = value { return object }
        report(&issues, invalidType(expected: "object", received: value.typeName, at: path()))
        return nil
    }

    /// Reports a field that is absent (`received: undefined`) or null when that is not allowed.
    /// - Parameters:
    ///   - raw: the field's value in the object, nil when absent; never a non-null value.
    ///   - mayBeAbsent: the field is optional or has a default.
    public static func missing(
        _ raw: JSONValue?, expected: String, mayBeAbsent: Bool, nullable: Bool,
        at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) {
        if raw == nil {
            if !mayBeAbsent { report(&issues, invalidType(expected: expected, received: "undefined", at: path())) }
        } else if !nullable {
            report(&issues, invalidType(expected: expected, received: "null", at: path()))
        }
    }

    /// Reports keys that the record does not declare, in one `unrecognized_keys` issue.
    public static func unrecognized(
        _ keys: [String], at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) {
        guard !keys.isEmpty else { return }
        report(&issues, ValidationIssue(code: .unrecognizedKeys, path: path(), details: .keys(keys)))
    }

    /// The tag of a tagged union, or an `invalid_union` issue naming the discriminator and what was there.
    public static func discriminator(
        _ object: JSONObject, field: String, tags: [String], at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> String? {
        discriminator(object[field], field: field, tags: tags, at: path(), &issues)
    }

    /// The tag `raw` (the discriminator's value, nil when absent) names, or the `invalid_union` issue.
    static func discriminator(
        _ raw: JSONValue?, field: String, tags: [String], at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> String? {
        if case .string(let tag) = raw, tags.contains(tag) { return tag }
        let received: String
        switch raw {
        case nil: received = "undefined"
        case .string(let text)?: received = "\"\(text)\""
        case let value?: received = value.typeName
        }
        report(&issues, ValidationIssue(
            code: .invalidUnion, path: path() + field,
            details: .union(discriminator: field, received: received, tags: tags)
        ))
        return nil
    }

    // MARK: Scalars

    public static func string(
        _ value: JSONValue, _ rules: StringRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> String? {
        guard case .string(let text) = value else {
            report(&issues, invalidType(expected: "string", received: value.typeName, at: path()))
            return nil
        }
        check(text, rules, at: path(), &issues)
        return text
    }

    public static func bool(
        _ value: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> Bool? {
        if case .bool(let flag) = value { return flag }
        report(&issues, invalidType(expected: "boolean", received: value.typeName, at: path()))
        return nil
    }

    /// A 64-bit integer: an integer literal, or a number with no fraction that fits (JSON Schema's `integer`).
    public static func int(
        _ value: JSONValue, _ rules: NumberRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> Int? {
        let number: Int64
        switch value {
        case .int(let integer):
            number = integer
        case .double(let real) where real.rounded(.towardZero) == real:
            guard real >= -9_223_372_036_854_775_808.0 else {
                report(&issues, bound(.tooSmall, origin: "int", -9_223_372_036_854_775_808.0, inclusive: true, at: path()))
                return nil
            }
            guard real < 9_223_372_036_854_775_808.0 else {
                report(&issues, bound(.tooBig, origin: "int", 9_223_372_036_854_775_807.0, inclusive: true, at: path()))
                return nil
            }
            number = Int64(real)
        default:
            report(&issues, invalidType(expected: "int", received: value.typeName, at: path()))
            return nil
        }
        check(Double(number), exact: number, rules, origin: "int", at: path(), &issues)
        return Int(number)
    }

    public static func double(
        _ value: JSONValue, _ rules: NumberRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> Double? {
        let number: Double
        switch value {
        case .int(let integer): number = Double(integer)
        case .double(let real): number = real
        default:
            report(&issues, invalidType(expected: "number", received: value.typeName, at: path()))
            return nil
        }
        check(number, exact: nil, rules, origin: "number", at: path(), &issues)
        return number
    }

    /// A value of a string enum, or an `invalid_value` issue listing the allowed values.
    @inlinable
    public static func enumeration<E: RawRepresentable & CaseIterable>(
        _ value: JSONValue, _ type: E.Type, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> E? where E.RawValue == String {
        if case .string(let text) = value, let result = E(rawValue: text) { return result }
        report(&issues, invalidValue(E.allCases.map { $0.rawValue }, at: path()))
        return nil
    }

    /// The same check as `enumeration(_:_:at:_:)`, for interpreters that know the cases as strings.
    public static func enumeration(
        _ value: JSONValue, cases: [String], at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> String? {
        if case .string(let text) = value, cases.contains(text) { return text }
        report(&issues, invalidValue(cases, at: path()))
        return nil
    }

    // MARK: Containers

    /// An array whose items `element` decodes; count and uniqueness checks run before the items.
    @inlinable
    public static func array<T>(
        _ value: JSONValue, _ rules: CountRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue],
        element: (JSONValue, () -> JSONPath, inout [ValidationIssue]) -> T?
    ) -> [T]? {
        guard case .array(let items) = value else {
            report(&issues, invalidType(expected: "array", received: value.typeName, at: path()))
            return nil
        }
        checkCount(items.count, rules, origin: "array", at: path(), &issues)
        if rules.unique, let duplicate = firstDuplicate(items) {
            report(&issues, ValidationIssue(code: .invalidValue, path: path() + duplicate, details: .repeatedItem))
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        var failed = false
        withoutActuallyEscaping(path) { path in
            for index in items.indices {
                if let decoded = element(items[index], { path() + index }, &issues) {
                    result.append(decoded)
                } else {
                    failed = true
                }
            }
        }
        return failed ? nil : result
    }

    /// An object used as a map from string keys to values that `element` decodes.
    @inlinable
    public static func map<T>(
        _ value: JSONValue, _ rules: CountRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue],
        element: (JSONValue, () -> JSONPath, inout [ValidationIssue]) -> T?
    ) -> [String: T]? {
        guard case .object(let raw) = value else {
            report(&issues, invalidType(expected: "object", received: value.typeName, at: path()))
            return nil
        }
        let object = raw.deduplicated
        checkCount(object.count, rules, origin: "object", at: path(), &issues)
        var result: [String: T] = [:]
        result.reserveCapacity(object.count)
        var failed = false
        withoutActuallyEscaping(path) { path in
            for member in object.members {
                if let decoded = element(member.value, { path() + member.key }, &issues) {
                    result[member.key] = decoded
                } else {
                    failed = true
                }
            }
        }
        return failed ? nil : result
    }
}
