import MessagingRuntime
import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

extension Compilation {
    static let fieldKeys = [
        "type", "optional", "nullable", "default", "description", "deprecated", "example", "secret",
        "minLength", "maxLength", "pattern", "format", "enum", "min", "max", "exclusiveMin", "exclusiveMax",
        "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    ]
    /// Names that cannot be Swift properties even back-ticked (`self.self`, `x.Type`).
    static let reservedFieldNames: Set<String> = ["self", "Self", "Type", "Protocol", "init", "deinit", "subscript", "super"]
    static let builtinTypes = ["string", "int", "double", "bool", "uuid", "datetime", "date", "json"]

    mutating func lowerField(_ pair: YAMLPair, of message: QualifiedName) -> Field? {
        let namespace = message.namespace
        let name = pair.name
        guard isFieldName(name) else {
            error("invalid-name", "field name '\(name)' must be ASCII letters, digits and '_', not starting with a digit", at: pair.key)
            return nil
        }
        if Self.reservedFieldNames.contains(name) {
            error("reserved-name", "'\(name)' cannot name a field: Swift reserves it", at: pair.key)
            return nil
        }
        // A bare type: `email: string`.
        if let text = pair.value.scalar?.text, !pair.value.scalar!.isNull {
            guard let type = resolveType(text, in: namespace, at: pair.value) else { return nil }
            return Field(name: name, type: type)
        }
        guard let pairs = pair.value.mapping else {
            error("invalid-field", "field '\(name)' must be a type name or a mapping with 'type'", at: pair.value)
            return nil
        }
        checkKeys(pairs, allowed: Self.fieldKeys, in: "a field")
        guard let typeNode = pair.value["type"] else {
            error("missing-key", "field '\(name)' needs 'type'", at: pair.key)
            return nil
        }
        guard let typeText = string(typeNode, what: "'type'"),
            let type = resolveType(typeText, in: namespace, at: typeNode)
        else { return nil }
        var field = Field(name: name, type: type)
        let node = pair.value
        field.optional = node["optional"].flatMap { boolean($0, what: "'optional'") } ?? false
        field.nullable = node["nullable"].flatMap { boolean($0, what: "'nullable'") } ?? false
        field.deprecated = node["deprecated"].flatMap { boolean($0, what: "'deprecated'") } ?? false
        field.secret = node["secret"].flatMap { boolean($0, what: "'secret'") } ?? false
        field.description = node["description"].flatMap { string($0, what: "'description'") }
        field.constraints = lowerConstraints(node, type: type)
        for (key, kind) in [("default", PendingLiteral.Kind.defaultValue), ("example", .example)] {
            if let value = node[key] {
                pendingLiterals.append(PendingLiteral(message: message, field: name, kind: kind, node: value))
            }
        }
        return field
    }

    /// How deeply arrays and maps may nest in a type (`int[][]` is 2).
    static let maximumTypeDepth = 16

    /// Parses and resolves a type as written: `string`, `Role`, `auth.UserProfile`, `int[]`, `map<string>`.
    mutating func resolveType(_ text: String, in namespace: String, at node: YAMLNode) -> FieldType? {
        // Unwrap `[]` and `map<…>` in a loop, innermost last.
        var trimmed = text.trimmingSpaces
        var wrappers: [Bool] = []  // true for an array, false for a map, outermost first
        while true {
            if trimmed.hasSuffix("[]") {
                wrappers.append(true)
                trimmed = String(trimmed.dropLast(2)).trimmingSpaces
            } else if trimmed.hasPrefix("map<"), trimmed.hasSuffix(">") {
                wrappers.append(false)
                trimmed = String(trimmed.dropFirst(4).dropLast()).trimmingSpaces
            } else {
                break
            }
            if wrappers.count > Self.maximumTypeDepth {
                error("invalid-value", "a type nests arrays and maps more than \(Self.maximumTypeDepth) levels deep", at: node)
                return nil
            }
        }
        guard var type = resolveNamedType(trimmed, in: namespace, at: node) else { return nil }
        for isArray in wrappers.reversed() { type = isArray ? .array(type) : .map(type) }
        return type
    }

    /// Resolves the name inside `[]` and `map<…>`; diagnostics point at the name within the node.
    private mutating func resolveNamedType(_ trimmed: String, in namespace: String, at node: YAMLNode) -> FieldType? {
        // The name is the last occurrence of itself: only `[]`, `>` and spaces may follow it.
        let nameRange = trimmed.isEmpty ? node.range : range(of: trimmed, in: node, last: true)
        switch trimmed {
        case "":
            error("invalid-value", "a type name is missing; write a type such as string, int or a message name", at: node)
            return nil
        case "string": return .string
        case "int": return .int
        case "double": return .double
        case "bool": return .bool
        case "uuid": return .uuid
        case "datetime": return .datetime
        case "date": return .date
        case "json": return .json
        default: break
        }
        var target = QualifiedName(namespace: namespace, name: trimmed)
        if let qualified = QualifiedName(parsing: trimmed) {
            target = qualified
            guard symbols[qualified.namespace] != nil else {
                var at = nameRange
                if at.start.line == at.end.line, at.end.column - at.start.column == trimmed.unicodeScalars.count {
                    at.end.column = at.start.column + qualified.namespace.unicodeScalars.count
                }
                diagnostics.error("unknown-namespace", "unknown namespace '\(qualified.namespace)' in type '\(trimmed)'\(Suggestions.didYouMean(qualified.namespace, in: symbols.keys))", at: at)
                return nil
            }
        }
        if let table = symbols[target.namespace] {
            if table.messages[target.name] != nil { return .message(target) }
            if table.enums[target.name] != nil { return .enumeration(target) }
        }
        // An unqualified name declared by another namespace: suggest qualifying it.
        let elsewhere = symbols.keys.sorted().filter { other in
            other != namespace && (symbols[other]!.messages[trimmed] != nil || symbols[other]!.enums[trimmed] != nil)
        }
        if target.namespace == namespace, let other = elsewhere.first {
            diagnostics.error("unknown-type", "unknown type '\(trimmed)'; did you mean '\(other).\(trimmed)'?", at: nameRange)
            return nil
        }
        var candidates = Self.builtinTypes
        if let table = symbols[namespace] { candidates += table.messages.keys.sorted() + table.enums.keys.sorted() }
        for (other, table) in symbols.sorted(by: { $0.key < $1.key }) where other != namespace {
            candidates += (table.messages.keys.sorted() + table.enums.keys.sorted()).map { "\(other).\($0)" }
        }
        if target.namespace != namespace, let table = symbols[target.namespace] {
            candidates = (table.messages.keys.sorted() + table.enums.keys.sorted()).map { "\(target.namespace).\($0)" }
        }
        diagnostics.error("unknown-type", "unknown type '\(trimmed)'\(Suggestions.didYouMean(trimmed, in: candidates))", at: nameRange)
        return nil
    }

    mutating func lowerConstraints(_ node: YAMLNode, type: FieldType) -> Constraints {
        var c = Constraints()
        let leaf = type.leaf
        let isString = leaf == .string
        let isNumber = leaf == .int || leaf == .double
        var isArray = false, isMap = false
        if case .array = type { isArray = true }
        if case .map = type { isMap = true }

        func fits(_ key: String, _ ok: Bool, _ kind: String) -> YAMLNode? {
            guard let value = node[key] else { return nil }
            guard ok else {
                let keyNode = node.mapping?.first { $0.name == key }?.key ?? value
                error("constraint-type-mismatch", "'\(key)' applies to \(kind), not to a field of type '\(type)'", at: keyNode)
                return nil
            }
            return value
        }
        func count(_ key: String, _ ok: Bool, _ kind: String) -> Int? {
            guard let value = fits(key, ok, kind), let n = integer(value, what: "'\(key)'") else { return nil }
            guard n >= 0 else {
                error("invalid-value", "'\(key)' cannot be negative", at: value)
                return nil
            }
            return n
        }
        c.minLength = count("minLength", isString, "strings")
        c.maxLength = count("maxLength", isString, "strings")
        if let value = fits("pattern", isString, "strings"), let text = string(value, what: "'pattern'") {
            if Pattern.isValid(text) { c.pattern = text } else {
                error("invalid-regex", "'\(text)' is not a valid regular expression", at: value)
            }
        }
        if let value = fits("format", isString, "strings"), let text = string(value, what: "'format'") {
            if let format = Constraints.Format(rawValue: text) { c.format = format } else {
                let names = Constraints.Format.allCases.map(\.rawValue)
                let hint = Suggestions.closest(to: text, in: names).map { "did you mean '\($0)'?" }
                    ?? "formats are \(names.joined(separator: ", "))"
                error("unknown-format", "unknown format '\(text)'; \(hint)", at: value)
            }
        }
        if let value = fits("enum", isString, "strings") {
            if let items = value.sequence, !items.isEmpty {
                c.allowedValues = items.compactMap { string($0, what: "an enum value") }
            } else {
                error("invalid-enum", "'enum' lists the allowed values, as in [a, b]", at: value)
            }
        }
        func number(_ key: String) -> Double? {
            fits(key, isNumber, "numbers").flatMap { self.number($0, what: "'\(key)'") }
        }
        c.min = number("min")
        c.max = number("max")
        c.exclusiveMin = number("exclusiveMin")
        c.exclusiveMax = number("exclusiveMax")
        if let divisor = number("multipleOf"), let value = node["multipleOf"] {
            if divisor > 0 { c.multipleOf = divisor } else { error("invalid-value", "'multipleOf' must be greater than 0", at: value) }
        }
        c.minItems = count("minItems", isArray, "arrays")
        c.maxItems = count("maxItems", isArray, "arrays")
        if let value = fits("uniqueItems", isArray, "arrays") { c.uniqueItems = boolean(value, what: "'uniqueItems'") ?? false }
        c.minProperties = count("minProperties", isMap, "maps")
        c.maxProperties = count("maxProperties", isMap, "maps")

        /// `strict`: the bounds must differ (an exclusive bound is involved).
        func conflict(_ low: String, _ high: String, _ holds: Bool, strict: Bool = false) {
            guard !holds, let value = node[high] else { return }
            let relation = strict ? "is not less than" : "is greater than"
            let notes = node[low].map { [Diagnostic.note("'\(low)' is set here", at: $0.range)] } ?? []
            error("constraint-conflict", "'\(low)' \(relation) '\(high)': no value can satisfy both", at: value, notes: notes)
        }
        if let lo = c.minLength, let hi = c.maxLength { conflict("minLength", "maxLength", lo <= hi) }
        if let lo = c.minItems, let hi = c.maxItems { conflict("minItems", "maxItems", lo <= hi) }
        if let lo = c.minProperties, let hi = c.maxProperties { conflict("minProperties", "maxProperties", lo <= hi) }
        let lows = [("min", c.min), ("exclusiveMin", c.exclusiveMin)]
        let highs = [("max", c.max), ("exclusiveMax", c.exclusiveMax)]
        for (lowKey, low) in lows {
            for (highKey, high) in highs {
                guard let low, let high else { continue }
                let inclusive = lowKey == "min" && highKey == "max"
                conflict(lowKey, highKey, inclusive ? low <= high : low < high, strict: !inclusive)
            }
        }
        if leaf == .int {
            for key in ["min", "max", "exclusiveMin", "exclusiveMax", "multipleOf"] {
                if let value = node[key], let scalar = value.scalar, Int(scalar.text) == nil,
                    let number = Self.parseNumber(scalar.text), key == "multipleOf", number.rounded() != number
                {
                    error("invalid-value", "'multipleOf' of an int field must be a whole number", at: value)
                }
            }
        }
        return c
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
