import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

/// Subjects, key templates, HTTP paths and durations as written in a schema.
extension Compilation {
    /// `events.{eventId}.update`: dot-separated tokens, each a literal or one `{field}`.
    mutating func subjectPattern(_ text: String, at node: YAMLNode) -> SubjectPattern? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var tokens: [SubjectPattern.Token] = []
        for part in parts {
            let token = String(part)
            if token.isEmpty {
                error("invalid-subject", "subject '\(text)' has an empty token", at: node)
                return nil
            }
            if token.hasPrefix("{"), token.hasSuffix("}"), token.count > 2 {
                let name = String(token.dropFirst().dropLast())
                guard isFieldName(name) else {
                    error("invalid-subject", "'{\(name)}' in subject '\(text)' is not a field name", at: node)
                    return nil
                }
                tokens.append(.field(name))
            } else if token == "*" || token == ">" {
                error("invalid-subject", "subject '\(text)' uses the wildcard '\(token)'; bind the token to a request field with {field}", at: node)
                return nil
            } else if !isSubjectToken(token) || token.contains("{") || token.contains("}") {
                error("invalid-subject", "subject token '\(token)' may not hold spaces, wildcards or braces", at: node)
                return nil
            } else {
                tokens.append(.literal(token))
            }
        }
        return SubjectPattern(tokens: tokens)
    }

    func isSubjectToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "." && $0 != "*" && $0 != ">" }
    }

    /// `auth:register:{email}`: literal text with `{field}` placeholders.
    mutating func keyTemplate(_ text: String, at node: YAMLNode) -> KeyTemplate? {
        var parts: [KeyTemplate.Part] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                error("invalid-template", "'\(text)' has a '{' without its '}'", at: node)
                return nil
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard isFieldName(name) else {
                error("invalid-template", "'{\(name)}' in '\(text)' is not a field name", at: node)
                return nil
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.field(name))
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") {
            error("invalid-template", "'\(text)' has a '}' without its '{'", at: node)
            return nil
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return KeyTemplate(parts: parts)
    }

    /// `/events/{eventId}`: starts with `/`, each parameter a whole segment.
    mutating func routePath(_ text: String, at node: YAMLNode) -> KeyTemplate? {
        guard text.hasPrefix("/") else {
            error("invalid-route", "HTTP path '\(text)' must start with '/'", at: node)
            return nil
        }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for segment in segments where segment.contains("{") || segment.contains("}") {
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), segment.dropFirst().dropLast().allSatisfy({ $0 != "{" && $0 != "}" }) else {
                error("invalid-route", "path parameter '\(segment)' must be a whole segment, as in /events/{eventId}", at: node)
                return nil
            }
        }
        if text.contains("//") || text.contains(" ") || text.contains("?") || text.contains("#") {
            error("invalid-route", "HTTP path '\(text)' may not hold empty segments, spaces, '?' or '#'", at: node)
            return nil
        }
        return keyTemplate(text, at: node)
    }

    /// `2s`, `500ms`, `1.5m`, `1h` → milliseconds; nil when not a positive duration.
    static func parseDuration(_ text: String) -> Int? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number), value > 0
            else { return nil }
            let milliseconds = value * scale
            guard milliseconds >= 1, milliseconds <= 86_400_000, milliseconds.rounded() == milliseconds else { return nil }
            return Int(milliseconds)
        }
        return nil
    }
}
