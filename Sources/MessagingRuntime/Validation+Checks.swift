public import Foundation

extension Validation {
    // MARK: Typed strings

    public static func uuid(
        _ value: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> UUID? {
        guard let text = formatted(value, .uuid, at: path(), &issues) else { return nil }
        return parseUUID(text)
    }

    public static func dateTime(
        _ value: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> DateTime? {
        guard let text = formatted(value, .dateTime, at: path(), &issues) else { return nil }
        return DateTime(rfc3339: text)
    }

    public static func date(
        _ value: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> CalendarDate? {
        guard let text = formatted(value, .date, at: path(), &issues) else { return nil }
        return CalendarDate(iso: text)
    }

    /// A string in `format`, or an `invalid_type` or `invalid_format` issue.
    public static func formatted(
        _ value: JSONValue, _ format: StringFormat, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> String? {
        guard case .string(let text) = value else {
            report(&issues, invalidType(expected: "string", received: value.typeName, at: path()))
            return nil
        }
        guard format.matches(text) else {
            report(&issues, invalidFormat(format, at: path()))
            return nil
        }
        return text
    }

    /// Reads a UUID that the format check has accepted (8-4-4-4-12 hex digits), without `sscanf`.
    static func parseUUID(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8(parseUUID(utf8:))
    }

    /// Reads a UUID from the UTF-8 of a string that the format check has accepted.
    static func parseUUID(utf8: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard utf8.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { raw -> Bool in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                let high = hexValue(utf8[position]), low = hexValue(utf8[position + 1])
                guard high < 16, low < 16 else { return false }
                raw[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    /// 0–15 for a hex digit, 255 otherwise.
    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c &- UInt8(ascii: "A") &+ 10
        default: 255
        }
    }

    // MARK: Rule checks

    /// Runs every string rule, in order: minLength, maxLength, format, pattern, allowed values.
    public static func check(
        _ text: String, _ rules: StringRules, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) {
        if rules.minLength != nil || rules.maxLength != nil {
            // Lengths count Unicode scalars, as JSON Schema does; UTF-8 bytes bound them from above.
            let bytes = text.utf8.count
            var scalars: Int?
            func length() -> Int {
                if let scalars { return scalars }
                let count = text.utf8.withContiguousStorageIfAvailable(scalarCount) ?? text.unicodeScalars.count
                scalars = count
                return count
            }
            if let min = rules.minLength, bytes < min || length() < min {
                report(&issues, bound(.tooSmall, origin: "string", Double(min), inclusive: true, at: path()))
            }
            if let max = rules.maxLength, bytes > max, length() > max {
                report(&issues, bound(.tooBig, origin: "string", Double(max), inclusive: true, at: path()))
            }
        }
        if let format = rules.format, !format.matches(text) {
            report(&issues, invalidFormat(format, at: path()))
        }
        if let pattern = rules.pattern, !pattern.matches(text) {
            report(&issues, ValidationIssue(code: .invalidFormat, path: path(), details: .pattern(pattern.source)))
        }
        if let allowed = rules.allowedValues, !allowed.contains(text) {
            report(&issues, invalidValue(allowed, at: path()))
        }
    }

    /// The number of scalars of valid UTF-8: the bytes that are not continuation bytes (10xxxxxx),
    /// counted eight at a time.
    static func scalarCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = utf8.baseAddress else { return 0 }
        var continuations = 0, index = 0
        while index + 8 <= utf8.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // High bit set and the next bit clear, per byte.
            continuations += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            index += 8
        }
        while index < utf8.count {
            if utf8[index] & 0xC0 == 0x80 { continuations += 1 }
            index += 1
        }
        return utf8.count - continuations
    }

    /// Runs every number rule, in order: min, exclusiveMin, max, exclusiveMax, multipleOf.
    /// `exact` is the integer value when there is one, so that `multipleOf` is exact for integers.
    public static func check(
        _ number: Double, exact: Int64?, _ rules: NumberRules, origin: String, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) {
        if let min = rules.min, !(number >= min) {
            report(&issues, bound(.tooSmall, origin: origin, min, inclusive: true, at: path()))
        }
        if let min = rules.exclusiveMin, !(number > min) {
            report(&issues, bound(.tooSmall, origin: origin, min, inclusive: false, at: path()))
        }
        if let max = rules.max, !(number <= max) {
            report(&issues, bound(.tooBig, origin: origin, max, inclusive: true, at: path()))
        }
        if let max = rules.exclusiveMax, !(number < max) {
            report(&issues, bound(.tooBig, origin: origin, max, inclusive: false, at: path()))
        }
        if let divisor = rules.multipleOf, !isMultiple(number, exact: exact, of: divisor) {
            report(&issues, ValidationIssue(code: .notMultipleOf, path: path(), details: .divisor(divisor)))
        }
    }

    /// JSON Schema's `multipleOf`: exact for integers, `value / divisor` integral for fractions.
    static func isMultiple(_ number: Double, exact: Int64?, of divisor: Double) -> Bool {
        if divisor.rounded(.towardZero) == divisor, abs(divisor) < 9.0e15 {
            let integerDivisor = Int64(divisor)
            if let exact { return exact % integerDivisor == 0 }
            return number.truncatingRemainder(dividingBy: divisor) == 0
        }
        let quotient = number / divisor
        return quotient.isFinite && quotient.rounded(.towardZero) == quotient
    }

    @usableFromInline
    static func checkCount(
        _ count: Int, _ rules: CountRules, origin: String, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) {
        if let min = rules.min, count < min {
            report(&issues, bound(.tooSmall, origin: origin, Double(min), inclusive: true, at: path()))
        }
        if let max = rules.max, count > max {
            report(&issues, bound(.tooBig, origin: origin, Double(max), inclusive: true, at: path()))
        }
    }

    // MARK: Typed values (generated `check(at:_:)`)

    /// The number rules of an integer field.
    public static func check(_ number: Int, _ rules: NumberRules, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) {
        check(Double(number), exact: Int64(number), rules, origin: "int", at: path(), &issues)
    }

    /// The number rules of a number field. A number that is not finite is written as null, which
    /// only a nullable field accepts.
    public static func check(
        _ number: Double, _ rules: NumberRules, nullable: Bool, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) {
        guard number.isFinite else {
            if !nullable { report(&issues, invalidType(expected: "number", received: "null", at: path())) }
            return
        }
        check(number, exact: nil, rules, origin: "number", at: path(), &issues)
    }

    /// An array's count and uniqueness, then each item: the order `array` checks them in.
    @inlinable
    public static func checkItems<T: Equatable>(
        _ items: [T], _ rules: CountRules, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue],
        element: (T, () -> JSONPath, inout [ValidationIssue]) -> Void = { _, _, _ in }
    ) {
        checkCount(items.count, rules, origin: "array", at: path(), &issues)
        if rules.unique, items.count > 1,
            let duplicate = (1..<items.count).first(where: { index in items[..<index].contains(items[index]) })
        {
            report(&issues, ValidationIssue(code: .invalidValue, path: path() + duplicate, details: .repeatedItem))
        }
        withoutActuallyEscaping(path) { path in
            for (index, item) in items.enumerated() { element(item, { path() + index }, &issues) }
        }
    }

    /// A map's count, then each value, in the order it is written.
    @inlinable
    public static func checkMembers<T>(
        _ members: [String: T], _ rules: CountRules, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue],
        element: (T, () -> JSONPath, inout [ValidationIssue]) -> Void = { _, _, _ in }
    ) {
        checkCount(members.count, rules, origin: "object", at: path(), &issues)
        withoutActuallyEscaping(path) { path in
            for (key, value) in members { element(value, { path() + key }, &issues) }
        }
    }

    /// The index of the first item equal (as JSON) to an earlier one.
    @usableFromInline
    static func firstDuplicate(_ items: [JSONValue]) -> Int? {
        guard items.count > 1 else { return nil }
        for index in 1..<items.count {
            for earlier in 0..<index where items[earlier].isJSONEqual(to: items[index]) {
                return index
            }
        }
        return nil
    }

    // MARK: Issue builders

    public static func invalidType(expected: String, received: String, at path: JSONPath) -> ValidationIssue {
        ValidationIssue(code: .invalidType, path: path, details: .type(expected: expected, received: received))
    }

    public static func invalidValue(_ values: [String], at path: JSONPath) -> ValidationIssue {
        ValidationIssue(code: .invalidValue, path: path, details: .values(values))
    }

    public static func invalidFormat(_ format: StringFormat, at path: JSONPath) -> ValidationIssue {
        ValidationIssue(code: .invalidFormat, path: path, details: .format(format))
    }

    static func bound(
        _ code: ValidationIssue.Code, origin: String, _ limit: Double, inclusive: Bool, at path: JSONPath
    ) -> ValidationIssue {
        ValidationIssue(code: code, path: path, details: .bound(origin: origin, limit: limit, inclusive: inclusive))
    }
}
