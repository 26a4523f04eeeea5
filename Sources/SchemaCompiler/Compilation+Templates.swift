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
                    diagnostics.error("invalid-subject", "'{\(name)}' in subject '\(text)' is not a field name", at: range(of: token, in: node))
                    return nil
                }
                tokens.append(.field(name))
            } else if token == "*" || token == ">" {
                diagnostics.error("invalid-subject", "subject '\(text)' uses the wildcard '\(token)'; bind the token to a request field with {field}", at: range(of: token, in: node))
                return nil
            } else if !isSubjectToken(token) || token.contains("{") || token.contains("}") {
                diagnostics.error("invalid-subject", "subject token '\(token)' may not hold spaces, wildcards or braces", at: range(of: token, in: node))
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
                diagnostics.error("invalid-template", "'\(text)' has a '{' without its '}'", at: range(of: String(rest[open...]), in: node))
                return nil
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard isFieldName(name) else {
                diagnostics.error("invalid-template", "'{\(name)}' in '\(text)' is not a field name", at: range(of: "{\(name)}", in: node))
                return nil
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.field(name))
            rest = rest[rest.index(after: close)...]
        }
        if let close = rest.firstIndex(of: "}") {
            diagnostics.error("invalid-template", "'\(text)' has a '}' without its '{'", at: range(of: String(rest[close...]), in: node))
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
                diagnostics.error("invalid-route", "path parameter '\(segment)' must be a whole segment, as in /events/{eventId}", at: range(of: String(segment), in: node))
                return nil
            }
        }
        if text.contains("//") || text.contains(" ") || text.contains("?") || text.contains("#") {
            error("invalid-route", "HTTP path '\(text)' may not hold empty segments, spaces, '?' or '#'", at: node)
            return nil
        }
        return keyTemplate(text, at: node)
    }

    /// `2s`, `500ms`, `1.5m`, `1h` → milliseconds; nil when not a whole number of milliseconds from 1ms to 24h.
    static func parseDuration(_ text: String) -> Int? {
        guard let milliseconds = durationMilliseconds(text), milliseconds >= 1, milliseconds <= 86_400_000,
            milliseconds.rounded() == milliseconds
        else { return nil }
        return Int(milliseconds)
    }

    /// A number followed by ms, s, m or h, in milliseconds, whatever its size.
    static func durationMilliseconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }) else { return nil }
        let number = text.dropLast(suffix.count)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number)
        else { return nil }
        return value * scale
    }

    /// Why `text` is not a timeout, for the diagnostic.
    static func durationProblem(_ text: String) -> String {
        guard let milliseconds = durationMilliseconds(text) else {
            return "'\(text)' is not a duration; write a positive number with ms, s, m or h, as in 2s or 500ms"
        }
        if milliseconds > 86_400_000 { return "'\(text)' is longer than 24h, the longest timeout" }
        if milliseconds < 1 { return "'\(text)' is shorter than 1ms, the shortest timeout" }
        return "'\(text)' is not a whole number of milliseconds"
    }

    /// Where `part` stands inside the scalar `node` (its first occurrence, or its last with `last`), when
    /// the scalar sits on one line as written (no escapes before `part`); the whole scalar otherwise.
    func range(of part: String, in node: YAMLNode, last: Bool = false) -> SourceRange {
        let start = node.range.start
        // Long scalars are not searched: the whole scalar is precise enough, and quicker.
        guard let scalar = node.scalar, scalar.text.utf8.count <= 4_096, node.range.end.line == start.line,
            let lines = sourceLines[start.file], start.line >= 1, start.line <= lines.count,
            let offset = Self.index(of: Array(part.unicodeScalars), in: Array(scalar.text.unicodeScalars), last: last)
        else { return node.range }
        let column = start.column + (scalar.isPlain ? 0 : 1) + offset
        let width = part.unicodeScalars.count
        let source = Array(lines[start.line - 1].unicodeScalars)
        guard column - 1 + width <= source.count, Array(source[(column - 1)..<(column - 1 + width)]) == Array(part.unicodeScalars)
        else { return node.range }
        return SourceRange(
            start: SourceLocation(file: start.file, line: start.line, column: column),
            end: SourceLocation(file: start.file, line: start.line, column: column + width)
        )
    }

    private static func index(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], last: Bool) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        let starts = 0...(haystack.count - needle.count)
        return last
            ? starts.reversed().first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
            : starts.first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
