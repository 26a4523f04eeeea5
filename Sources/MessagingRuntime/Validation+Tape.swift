public import Foundation

/// The container checks of generated validators, over a `JSONTape`. Scalars are checked by the
/// `JSONValue` functions on `JSONTape.scalar(_:)`; these do what the `JSONValue` functions of
/// the same names do, issue for issue, so that generated validators and the IR interpreter agree.
extension Validation {
    /// The object, or an `invalid_type` issue.
    @inlinable
    public static func object(
        _ tape: JSONTape, _ value: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> JSONTape.Index? {
        if tape.isObject(value) { return value }
        report(&issues, invalidType(expected: "object", received: tape.typeName(value), at: path()))
        return nil
    }

    /// Reports a field that is absent (`received: undefined`) or null when that is not allowed.
    /// - Parameters:
    ///   - raw: the field's value, nil when absent; never a non-null value.
    ///   - mayBeAbsent: the field is optional or has a default.
    @inlinable
    public static func missing(
        _ raw: JSONTape.Index?, expected: String, mayBeAbsent: Bool, nullable: Bool,
        at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) {
        // Only whether the field is there matters: the same issues as for a `JSONValue`.
        missing(raw.map { _ in JSONValue.null }, expected: expected, mayBeAbsent: mayBeAbsent, nullable: nullable, at: path(), &issues)
    }

    /// A UUID, read from the document's bytes when they are its plain ASCII text (no string in
    /// between); anything else goes through `uuid(_:at:_:)`, for the same issues.
    public static func uuid(
        _ tape: JSONTape, _ value: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> UUID? {
        if tape.isString(value), tape.isPlainASCII(value) {
            let utf8 = tape.utf8(value)
            if StringFormat.isUUID(utf8), let uuid = parseUUID(utf8: utf8) { return uuid }
        }
        return uuid(tape.scalar(value), at: path(), &issues)
    }

    /// The tag of a tagged union, or an `invalid_union` issue naming the discriminator and what was there.
    public static func discriminator(
        _ tape: JSONTape, _ object: JSONTape.Index, field: String, tags: [String], at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> String? {
        // A container's scalar is an empty one of its type: the same `received` as the value's.
        discriminator(tape.member(object, field).map(tape.scalar), field: field, tags: tags, at: path(), &issues)
    }

    /// An array whose items `element` decodes; count and uniqueness checks run before the items.
    @inlinable
    public static func array<T>(
        _ tape: JSONTape, _ value: JSONTape.Index, _ rules: CountRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue],
        element: (JSONTape.Index, () -> JSONPath, inout [ValidationIssue]) -> T?
    ) -> [T]? {
        guard tape.isArray(value) else {
            report(&issues, invalidType(expected: "array", received: tape.typeName(value), at: path()))
            return nil
        }
        let count = tape.count(value)
        checkCount(count, rules, origin: "array", at: path(), &issues)
        if rules.unique, let duplicate = firstDuplicate(tape, value) {
            report(&issues, ValidationIssue(code: .invalidValue, path: path() + duplicate, details: .repeatedItem))
        }
        var result: [T] = []
        result.reserveCapacity(count)
        var failed = false
        withoutActuallyEscaping(path) { path in
            var index = 0
            for item in tape.elements(of: value) {
                if let decoded = element(item, { path() + index }, &issues) {
                    result.append(decoded)
                } else {
                    failed = true
                }
                index += 1
            }
        }
        return failed ? nil : result
    }

    /// An object used as a map from string keys to values that `element` decodes.
    @inlinable
    public static func map<T>(
        _ tape: JSONTape, _ value: JSONTape.Index, _ rules: CountRules, at path: @autoclosure () -> JSONPath,
        _ issues: inout [ValidationIssue],
        element: (JSONTape.Index, () -> JSONPath, inout [ValidationIssue]) -> T?
    ) -> [String: T]? {
        guard tape.isObject(value) else {
            report(&issues, invalidType(expected: "object", received: tape.typeName(value), at: path()))
            return nil
        }
        let members = deduplicatedMembers(tape, value)
        checkCount(members.count, rules, origin: "object", at: path(), &issues)
        var result = [String: T](minimumCapacity: members.count)
        var failed = false
        withoutActuallyEscaping(path) { path in
            for member in members {
                if let decoded = element(member.value, { path() + member.key }, &issues) {
                    result[member.key] = decoded
                } else {
                    failed = true
                }
            }
        }
        return failed ? nil : result
    }

    /// The members of an object with each key once (its last value), in order of first
    /// appearance, as `JSONObject.deduplicated` gives them.
    @usableFromInline
    static func deduplicatedMembers(_ tape: JSONTape, _ object: JSONTape.Index) -> [(key: String, value: JSONTape.Index)] {
        var members: [(key: String, value: JSONTape.Index)] = []
        members.reserveCapacity(tape.count(object))
        for member in tape.members(of: object) { members.append((tape.string(member.key), member.value)) }
        guard hasRepeatedKeys(members) else { return members }
        var seen: [String: Int] = [:]
        var result: [(key: String, value: JSONTape.Index)] = []
        for member in members {
            if let index = seen[member.key] {
                result[index].value = member.value
            } else {
                seen[member.key] = result.count
                result.append(member)
            }
        }
        return result
    }

    /// Whether some key appears twice, as `JSONObject.hasRepeatedKeys` finds it.
    static func hasRepeatedKeys(_ members: [(key: String, value: JSONTape.Index)]) -> Bool {
        JSONObject.repeatsAKey(members) { $0.key }
    }

    /// The index (in the array) of the first item equal (as JSON) to an earlier one.
    @usableFromInline
    static func firstDuplicate(_ tape: JSONTape, _ array: JSONTape.Index) -> Int? {
        guard tape.count(array) > 1 else { return nil }
        var index = 0
        for item in tape.elements(of: array) {
            var earlierIndex = 0
            for earlier in tape.elements(of: array) {
                if earlierIndex == index { break }
                if tape.isJSONEqual(earlier, item) { return index }
                earlierIndex += 1
            }
            index += 1
        }
        return nil
    }
}

extension JSONTape {
    /// JSON equality, exactly as `JSONValue.isJSONEqual(to:)`: `1` equals `1.0`, strings and keys
    /// compare as `String`s, objects are equal when they have the same keys (each with its last
    /// value) with equal values, whatever the order.
    func isJSONEqual(_ first: Index, _ second: Index) -> Bool {
        let a = entries[first], b = entries[second]
        switch (a.kind, b.kind) {
        case (.null, .null): return true
        case (.bool, .bool): return a.flags == b.flags
        case (.string, .string): return stringsEqual(first, second)
        case (.int, .int): return a.b == b.b
        case (.int, .double), (.double, .int), (.double, .double):
            return scalar(first).numberValue == scalar(second).numberValue
        case (.array, .array):
            guard a.a == b.a else { return false }
            var right = elements(of: second)
            for item in elements(of: first) {
                guard let other = right.next(), isJSONEqual(item, other) else { return false }
            }
            return true
        case (.object, .object):
            if let equal = plainObjectsEqual(first, second) { return equal }
            let left = Validation.deduplicatedMembers(self, first), right = Validation.deduplicatedMembers(self, second)
            guard left.count == right.count else { return false }
            return left.allSatisfy { member in
                right.last(where: { $0.key == member.key }).map { isJSONEqual(member.value, $0.value) } ?? false
            }
        default: return false
        }
    }

    /// Object equality when every key of both is plain ASCII (so keys are equal exactly when
    /// their bytes are), without decoding a key or allocating; nil otherwise. Members are walked
    /// by index: a key's value is the entry after it, the next key the entry after that value.
    private func plainObjectsEqual(_ first: Index, _ second: Index) -> Bool? {
        let firstEnd = after(first), secondEnd = after(second)
        var i = first + 1, j = second + 1
        while i < firstEnd {
            guard isPlainASCII(i) else { return nil }
            i = after(i + 1)
        }
        while j < secondEnd {
            guard isPlainASCII(j) else { return nil }
            j = after(j + 1)
        }
        func sameKey(_ x: Index, _ y: Index) -> Bool {
            let a = utf8(x), b = utf8(y)
            return a.count == b.count && JSONTape.equal(a, b)
        }
        /// Whether a later member (before `end`) has the same key: then the later one wins.
        func isShadowed(_ key: Index, end: Index) -> Bool {
            var later = after(key + 1)
            while later < end {
                if sameKey(later, key) { return true }
                later = after(later + 1)
            }
            return false
        }
        // The common case, the same keys in the same order: values compare pairwise; a pair that
        // differs where no later member has the same key makes the objects differ.
        if count(first) == count(second) {
            var sameOrder = true
            i = first + 1
            j = second + 1
            while i < firstEnd {
                if !sameKey(i, j) {
                    sameOrder = false
                    break
                }
                i = after(i + 1)
                j = after(j + 1)
            }
            if sameOrder {
                i = first + 1
                j = second + 1
                while i < firstEnd {
                    if !isJSONEqual(i + 1, j + 1) {
                        if !isShadowed(i, end: firstEnd) { return false }
                        sameOrder = false
                        break
                    }
                    i = after(i + 1)
                    j = after(j + 1)
                }
                if sameOrder { return true }
            }
        }
        // Any order: each distinct key of the first (its last value) against the second's last value.
        var distinct = 0
        i = first + 1
        while i < firstEnd {
            if !isShadowed(i, end: firstEnd) {
                distinct += 1
                var match: Index?
                var k = second + 1
                while k < secondEnd {
                    if sameKey(k, i) { match = k + 1 }
                    k = after(k + 1)
                }
                guard let match, isJSONEqual(i + 1, match) else { return false }
            }
            i = after(i + 1)
        }
        j = second + 1
        while j < secondEnd {
            if !isShadowed(j, end: secondEnd) { distinct -= 1 }
            j = after(j + 1)
        }
        return distinct == 0
    }
}
