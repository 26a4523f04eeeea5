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
        var lines = LineCache()
        for diagnostic in diagnostics { out += render(diagnostic, lines: &lines) }
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
        var lines = LineCache()
        return render(diagnostic, lines: &lines)
    }

    private func render(_ diagnostic: Diagnostic, lines: inout LineCache) -> String {
        var out = ""
        if let range = diagnostic.range {
            out += "\(range.start): "
        }
        out += "\(diagnostic.severity.rawValue): \(diagnostic.message)"
        if diagnostic.severity != .note { out += " [\(diagnostic.id)]" }
        out += "\n"
        if let range = diagnostic.range, let file = files[range.start.file], let line = lines.line(range.start.line, of: file) {
            out += String(line) + "\n" + caretLine(for: range, in: line) + "\n"
        }
        for note in diagnostic.notes { out += render(note, lines: &lines) }
        return out
    }

    /// Spaces (tabs where the source has tabs) up to the start, `^`, then `~` to the end of the range on that line.
    /// Reads the line only as far as the range, so that long lines with many diagnostics stay quick.
    private func caretLine(for range: SourceRange, in line: Substring) -> String {
        let startColumn = max(1, range.start.column)
        var caret = ""
        var scalars = line.unicodeScalars.makeIterator()
        for _ in 0..<(startColumn - 1) {
            caret += scalars.next() == "\t" ? "\t" : " "
        }
        caret += "^"
        guard range.end.line == range.start.line, range.end.column > startColumn + 1 else { return caret }
        // The characters of the range that the line has, the first under the caret.
        var covered = 0
        while startColumn + covered < range.end.column, scalars.next() != nil { covered += 1 }
        if covered > 1 { caret += String(repeating: "~", count: covered - 1) }
        return caret
    }
}

/// The lines of the files quoted so far, split once per file rather than once per diagnostic.
private struct LineCache {
    var lines: [String: [Substring]] = [:]

    mutating func line(_ number: Int, of file: SourceFile) -> Substring? {
        if lines[file.path] == nil { lines[file.path] = file.lines() }
        guard let all = lines[file.path], number >= 1, number <= all.count else { return nil }
        return all[number - 1]
    }
}
