import SchemaIR

/// Swift spellings of schema types and values.
enum SwiftTypes {
    static let runtime = RuntimeSymbols.module

    static func qualified(_ name: QualifiedName) -> String {
        "\(SwiftNames.namespace(name.namespace)).\(name.name)"
    }

    /// The Swift type of a value of `type` (without optionality).
    static func swiftType(_ type: FieldType) -> String {
        switch type {
        case .string: "String"
        case .int: "Int"
        case .double: "Double"
        case .bool: "Bool"
        case .uuid: "Foundation.UUID"
        case .datetime: "\(runtime).DateTime"
        case .date: "\(runtime).CalendarDate"
        case .json: "\(runtime).JSONValue"
        case .enumeration(let name), .message(let name): qualified(name)
        case .array(let element): "[\(swiftType(element))]"
        case .map(let element): "[String: \(swiftType(element))]"
        }
    }

    /// Whether the property is optional in Swift: it may be null, or absent without a default.
    static func isOptional(_ field: Field) -> Bool {
        field.nullable || field.mayBeAbsent
    }

    static func propertyType(_ field: Field) -> String {
        swiftType(field.type) + (isOptional(field) ? "?" : "")
    }

    /// A Swift expression for a literal of `type`.
    static func expression(_ literal: Literal, type: FieldType, schema: Schema) -> String {
        switch (literal, type) {
        case (.null, _): return "nil"
        case (.string(let text), .string): return SwiftNames.stringLiteral(text)
        case (.string(let text), .uuid): return "Foundation.UUID(uuidString: \(SwiftNames.stringLiteral(text)))!"
        case (.string(let text), .datetime): return "\(runtime).DateTime(rfc3339: \(SwiftNames.stringLiteral(text)))!"
        case (.string(let text), .date): return "\(runtime).CalendarDate(iso: \(SwiftNames.stringLiteral(text)))!"
        case (.string(let text), .enumeration(let name)):
            return "\(qualified(name)).\(caseName(text, in: schema.enumType(name)))"
        case (.int(let value), .int): return String(value)
        case (.int(let value), .double): return "\(value).0"
        case (.double(let value), .int): return String(Int64(value))
        case (.double(let value), .double): return "\(value)"
        case (.bool(let value), .bool): return value ? "true" : "false"
        case (.array(let items), .array(let element)):
            return "[" + items.map { expression($0, type: element, schema: schema) }.joined(separator: ", ") + "]"
        case (.object(let members), .map(let element)):
            if members.isEmpty { return "[:]" }
            return "[" + members.map { "\(SwiftNames.stringLiteral($0.0)): \(expression($0.1, type: element, schema: schema))" }
                .joined(separator: ", ") + "]"
        default:
            // Messages and JSON values: decode the literal's JSON with the generated validator.
            let json = SwiftNames.stringLiteral(jsonText(literal))
            if case .json = type { return "(try! \(runtime).JSONValue(parsing: \(json)))" }
            return "(try! \(swiftType(type))(validatingJSON: Array(\(json).utf8)))"
        }
    }

    static func caseName(_ value: String, in enumType: EnumType?) -> String {
        guard let enumType else { return SwiftNames.enumCase(value) }
        return EnumCases(enumType.cases).name(of: value)
    }

    /// Compact JSON text of a literal.
    static func jsonText(_ literal: Literal) -> String {
        switch literal {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value)).0" : "\(value)"
        case .string(let text): jsonString(text)
        case .array(let items): "[" + items.map(jsonText).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { jsonString($0.0) + ":" + jsonText($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Swift case names for an enum's values, unique within the enum.
struct EnumCases {
    let names: [(value: String, name: String)]

    init(_ values: [String]) {
        var used: Set<String> = []
        var names: [(String, String)] = []
        for value in values {
            var name = SwiftNames.enumCase(value)
            var suffix = 2
            while used.contains(name) {
                name = SwiftNames.enumCase(value) + "\(suffix)"
                suffix += 1
            }
            used.insert(name)
            names.append((value, name))
        }
        self.names = names
    }

    func name(of value: String) -> String {
        names.first { $0.value == value }?.name ?? SwiftNames.enumCase(value)
    }
}
