/// Renders diagnostics as clang and swiftc do:
///
/// ```
/// schemas/auth.yaml:12:7: error: unknown type 'Rol'; did you mean 'Role'? [unknown-type]
///       role: Rol
///             ^~~
/// 1 error generated.
/// ```
public struct DiagnosticRenderer: Sendable {
    private let files: [String: SourceFile]

    public init(files: [SourceFile]) {
        self.files = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every diagnostic, sorted, followed by the count line when there are errors or warnings.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for diagnostic in diagnostics { out += render(diagnostic) }
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        var counts: [String] = []
        if warnings > 0 { counts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        if errors > 0 { counts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if !counts.isEmpty { out += counts.joined(separator: " and ") + " generated.\n" }
        return out
    }

    /// One diagnostic with its source line, caret and notes.
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        if let range = diagnostic.range {
            out += "\(range.start): "
        }
        out += "\(diagnostic.severity.rawValue): \(diagnostic.message)"
        if diagnostic.severity != .note { out += " [\(diagnostic.id)]" }
        out += "\n"
        if let range = diagnostic.range, let file = files[range.start.file], let line = file.line(range.start.line) {
            out += String(line) + "\n" + caretLine(for: range, in: line) + "\n"
        }
        for note in diagnostic.notes { out += render(note) }
        return out
    }

    /// Spaces (tabs where the source has tabs) up to the start, `^`, then `~` to the end of the range on that line.
    private func caretLine(for range: SourceRange, in line: Substring) -> String {
        let scalars = Array(line.unicodeScalars)
        let startColumn = max(1, range.start.column)
        var caret = ""
        for index in 0..<(startColumn - 1) {
            caret += index < scalars.count && scalars[index] == "\t" ? "\t" : " "
        }
        caret += "^"
        if range.end.line == range.start.line, range.end.column > startColumn + 1 {
            let end = min(range.end.column, scalars.count + 1)
            if end > startColumn + 1 { caret += String(repeating: "~", count: end - startColumn - 1) }
        }
        return caret
    }
}
