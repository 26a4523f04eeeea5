import SchemaIR

/// Writes the Swift of generated validators: rule constants and, per field, the block that
/// decodes and checks it. The order of checks is the IR interpreter's (`SchemaValidator`), since
/// both call the same `MessagingRuntime.Validation` functions.
struct ValidatorEmitter {
    let schema: Schema
    let access: AccessLevel
    private let r = RuntimeSymbols.self

    /// The static rule constants a record's validator uses, one per line.
    func ruleDeclarations(for fields: [Field]) -> [String] {
        fields.flatMap { field -> [String] in
            var lines: [String] = []
            let name = SwiftNames.bare(field.name)
            if let rules = stringRules(field) { lines.append("static let \(name)Rules = \(rules)") }
            if let rules = numberRules(field) { lines.append("static let \(name)Rules = \(rules)") }
            if let rules = countRules(field) { lines.append("static let \(name)Count = \(rules)") }
            return lines
        }
    }

    /// The block that decodes one field from `<name>JSON` into `<name>Value`, at 8 spaces.
    func fieldBlock(_ field: Field) -> String {
        let name = SwiftNames.bare(field.name)
        let json = "\(name)JSON", value = "\(name)Value"
        let path = "path() + \(SwiftNames.stringLiteral(field.name))"
        let decoded = expression(field.type, field: field, json: "json", path: path, outer: true, indent: "            ")
        var fallback = "nil"
        if let defaultValue = field.defaultValue {
            fallback = "\(json) == nil ? \(SwiftTypes.expression(defaultValue, type: field.type, schema: schema)) : nil"
        }
        let expected = field.type.jsonTypeName
        let mayBeAbsent = field.optional || field.defaultValue != nil
        return """
                    let \(value): \(SwiftTypes.swiftType(field.type))?
                    if let json = \(json), !tape.isNull(json) {
                        \(value) = \(decoded)
                    } else {
                        \(value) = \(fallback)
                        \(r.validation).missing(
                            \(json), expected: \(SwiftNames.stringLiteral(expected)), mayBeAbsent: \(mayBeAbsent), nullable: \(field.nullable),
                            at: \(path), &issues
                        )
                    }
            """
    }

    /// The decoding expression for a value of `type` held in `json`, at the path expression `path`.
    func expression(_ type: FieldType, field: Field, json: String, path: String, outer: Bool, indent: String) -> String {
        let v = r.validation
        let name = SwiftNames.bare(field.name)
        // Scalars are checked on their value (`tape.scalar`: a string decoded once, here).
        let scalar = "tape.scalar(\(json))"
        switch type {
        case .string:
            let rules = stringRules(field) != nil ? "Self.\(name)Rules" : "\(r.stringRules).none"
            return "\(v).string(\(scalar), \(rules), at: \(path), &issues)"
        case .int, .double:
            let rules = numberRules(field) != nil ? "Self.\(name)Rules" : "\(r.numberRules).none"
            return "\(v).\(type == .int ? "int" : "double")(\(scalar), \(rules), at: \(path), &issues)"
        case .bool: return "\(v).bool(\(scalar), at: \(path), &issues)"
        case .uuid: return "\(v).uuid(tape, \(json), at: \(path), &issues)"
        case .datetime: return "\(v).dateTime(\(scalar), at: \(path), &issues)"
        case .date: return "\(v).date(\(scalar), at: \(path), &issues)"
        case .json: return "Optional(tape.value(\(json)))"
        case .enumeration(let enumName):
            return "\(v).enumeration(\(scalar), \(SwiftTypes.qualified(enumName)).self, at: \(path), &issues)"
        case .message(let messageName):
            return "\(SwiftTypes.qualified(messageName)).validate(tape, \(json), at: \(path), &issues)"
        case .array(let element), .map(let element):
            let isArray = if case .array = type { true } else { false }
            let rules = outer && countRules(field) != nil ? "Self.\(name)Count" : "\(r.countRules).none"
            let inner = expression(element, field: field, json: "json", path: "path()", outer: false, indent: indent + "    ")
            return """
                \(v).\(isArray ? "array" : "map")(tape, \(json), \(rules), at: \(path), &issues) { json, path, issues in
                \(indent)    \(inner)
                \(indent)}
                """
        }
    }

    /// The statements of a record's `check(at:_:)` for one field, at 8 spaces; nil when the field's
    /// type holds every rule of it. The order of checks is `fieldBlock`'s.
    func checkBlock(_ field: Field) -> String? {
        let property = "self.\(SwiftNames.identifier(field.name))"
        let path = "path() + \(SwiftNames.stringLiteral(field.name))"
        let optional = SwiftTypes.isOptional(field)
        guard
            let statement = checkStatement(
                field.type, field: field, value: optional ? "value" : property, path: path, outer: true, nullable: field.nullable,
                indent: optional ? "            " : "        ")
        else { return nil }
        guard optional else { return "        \(statement)" }
        return """
                    if let value = \(property) {
                        \(statement)
                    }
            """
    }

    /// The statement that checks `value`, a value of `type`, at the path expression `path`.
    func checkStatement(_ type: FieldType, field: Field, value: String, path: String, outer: Bool, nullable: Bool, indent: String) -> String? {
        let v = r.validation
        let name = SwiftNames.bare(field.name)
        switch type {
        case .string:
            guard stringRules(field) != nil else { return nil }
            return "\(v).check(\(value), Self.\(name)Rules, at: \(path), &issues)"
        case .int:
            guard numberRules(field) != nil else { return nil }
            return "\(v).check(\(value), Self.\(name)Rules, at: \(path), &issues)"
        case .double:
            // Always: a number that is not finite is written as null.
            let rules = numberRules(field) != nil ? "Self.\(name)Rules" : "\(r.numberRules).none"
            return "\(v).check(\(value), \(rules), nullable: \(nullable), at: \(path), &issues)"
        case .message:
            return "\(value).check(at: \(path), &issues)"
        case .array(let element), .map(let element):
            let isArray = if case .array = type { true } else { false }
            let rules = outer ? countRules(field).map { _ in "Self.\(name)Count" } : nil
            let inner = checkStatement(element, field: field, value: "value", path: "path()", outer: false, nullable: false, indent: indent + "    ")
            guard rules != nil || inner != nil else { return nil }
            let call = "\(v).\(isArray ? "checkItems" : "checkMembers")(\(value), \(rules ?? "\(r.countRules).none"), at: \(path), &issues)"
            guard let inner else { return call }
            return """
                \(call) { value, path, issues in
                \(indent)    \(inner)
                \(indent)}
                """
        case .bool, .uuid, .datetime, .date, .json, .enumeration:
            return nil
        }
    }

    func stringRules(_ field: Field) -> String? {
        let c = field.constraints
        guard field.type.leaf == .string, c.hasStringRules else { return nil }
        var args: [String] = []
        if let value = c.minLength { args.append("minLength: \(value)") }
        if let value = c.maxLength { args.append("maxLength: \(value)") }
        if let format = c.format { args.append("format: .\(Self.formatCase(format))") }
        if let pattern = c.pattern { args.append("pattern: \(r.pattern)(\(SwiftNames.stringLiteral(pattern)))") }
        if let values = c.allowedValues {
            args.append("allowedValues: [\(values.map(SwiftNames.stringLiteral).joined(separator: ", "))]")
        }
        return "\(r.stringRules)(\(args.joined(separator: ", ")))"
    }

    func numberRules(_ field: Field) -> String? {
        let c = field.constraints
        guard field.type.leaf == .int || field.type.leaf == .double, c.hasNumberRules else { return nil }
        var args: [String] = []
        for (label, value) in [("min", c.min), ("exclusiveMin", c.exclusiveMin), ("max", c.max), ("exclusiveMax", c.exclusiveMax), ("multipleOf", c.multipleOf)] {
            if let value { args.append("\(label): \(Self.double(value))") }
        }
        return "\(r.numberRules)(\(args.joined(separator: ", ")))"
    }

    func countRules(_ field: Field) -> String? {
        let c = field.constraints
        var args: [String] = []
        switch field.type {
        case .array:
            guard c.hasArrayRules else { return nil }
            if let value = c.minItems { args.append("min: \(value)") }
            if let value = c.maxItems { args.append("max: \(value)") }
            if c.uniqueItems { args.append("unique: true") }
        case .map:
            guard c.hasMapRules else { return nil }
            if let value = c.minProperties { args.append("min: \(value)") }
            if let value = c.maxProperties { args.append("max: \(value)") }
        default:
            return nil
        }
        return "\(r.countRules)(\(args.joined(separator: ", ")))"
    }

    static func double(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
    }

    static func formatCase(_ format: Constraints.Format) -> String {
        format == .dateTime ? "dateTime" : format.rawValue
    }
}
