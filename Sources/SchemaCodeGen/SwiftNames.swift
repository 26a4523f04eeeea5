/// The one place where schema names become Swift names.
enum SwiftNames {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "await", "async", "consume", "borrowing", "consuming", "copy", "discard", "each", "package", "some",
        "Type", "Protocol",
    ]

    /// `auth` → `Auth`, `event_booking` → `EventBooking`.
    static func namespace(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A field name as a Swift identifier (back-ticked when it is a keyword).
    static func identifier(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// A field name without back-ticks, for building other identifiers from it.
    static func bare(_ name: String) -> String { name }

    /// An enum value as a Swift case name: `in-progress` → `inProgress`, `2fa` → `_2fa`.
    static func enumCase(_ value: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in value.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        guard let first = words.first else { return "_empty" }
        var name = first == first.uppercased() ? first.lowercased() : first.prefix(1).lowercased() + first.dropFirst()
        name += words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if let leading = name.unicodeScalars.first, ("0"..."9").contains(leading) { name = "_" + name }
        return identifier(name)
    }

    /// `EmailTaken` → `emailTaken`.
    static func lowerCamel(_ name: String) -> String {
        identifier(name.prefix(1).lowercased() + name.dropFirst())
    }

    /// A Swift string literal with everything escaped.
    static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Doc comment lines (`/// …`) at `indent`, from a description and a pointer into the schema.
    static func docComment(_ description: String?, remark: String?, indent: String) -> String? {
        var lines: [String] = []
        if let description {
            lines += description.split(separator: "\n", omittingEmptySubsequences: false).map {
                var line = String($0)
                while line.last == " " { line.removeLast() }
                return line
            }
            while lines.last?.isEmpty == true { lines.removeLast() }
        }
        if let remark {
            if !lines.isEmpty { lines.append("") }
            lines.append("- Remark: Generated from `\(remark)`.")
        }
        guard !lines.isEmpty else { return nil }
        return lines.map { $0.isEmpty ? "\(indent)///" : "\(indent)/// \($0)" }.joined(separator: "\n")
    }
}
