/// A position in a schema file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The file's path relative to the working directory, with forward slashes.
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A span in one schema file; `end` is exclusive and on the same file.
public struct SourceRange: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// An empty range at `location`.
    public init(at location: SourceLocation) {
        self.init(start: location, end: location)
    }
}

/// The text of a schema file, kept so that diagnostics can quote the line they point at.
public struct SourceFile: Sendable, Hashable {
    /// Relative path, as diagnostics print it.
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The text of 1-based line `number`, without its line break; nil past the end.
    ///
    /// Lines end where libyaml, which numbers the lines of every diagnostic, ends them: at LF, CRLF,
    /// CR, NEL, LS or PS.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1 else { return nil }
        var current = 0
        var found: Substring?
        forEachLine { line in
            current += 1
            if current == number { found = line }
            return current < number
        }
        return found
    }

    /// Every line, without line breaks; a text ending with a line break has an empty last line.
    public func lines() -> [Substring] {
        var all: [Substring] = []
        forEachLine { all.append($0); return true }
        return all
    }

    /// Calls `body` with each line in order until it returns false.
    private func forEachLine(_ body: (Substring) -> Bool) {
        let scalars = text.unicodeScalars
        var lineStart = scalars.startIndex
        var index = lineStart
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard Self.isLineBreak(scalar) else {
                index = scalars.index(after: index)
                continue
            }
            guard body(Substring(scalars[lineStart..<index])) else { return }
            index = scalars.index(after: index)
            if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
            lineStart = index
        }
        _ = body(Substring(scalars[lineStart...]))
    }

    /// The line and column of the character that starts at byte `offset` of the UTF-8 text
    /// (libyaml reports problems of its reader, such as control characters, as byte offsets).
    public func location(ofUTF8Offset offset: Int) -> SourceLocation {
        var line = 1, column = 1, bytes = 0
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(scalar)
            if Self.isLineBreak(scalar) {
                // CRLF is one line break.
                if !(scalar == "\n" && previous == "\r") { line += 1 }
                column = 1
            } else {
                column += 1
            }
            previous = scalar
        }
        return SourceLocation(file: path, line: line, column: column)
    }

    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}
