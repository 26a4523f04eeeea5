/// A stable, kebab-case identifier of a kind of diagnostic, printed in brackets: `[unknown-type]`.
public struct DiagnosticID: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// One problem found in the schemas, with where it is and, optionally, related notes.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    public var id: DiagnosticID
    public var message: String
    public var range: SourceRange?
    public var notes: [Diagnostic]

    public init(
        _ severity: Severity, _ id: DiagnosticID, _ message: String, at range: SourceRange?,
        notes: [Diagnostic] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.range = range
        self.notes = notes
    }

    public static func error(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [Diagnostic] = [])
        -> Diagnostic
    {
        Diagnostic(.error, id, message, at: range, notes: notes)
    }

    public static func warning(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [Diagnostic] = [])
        -> Diagnostic
    {
        Diagnostic(.warning, id, message, at: range, notes: notes)
    }

    public static func note(_ message: String, at range: SourceRange?) -> Diagnostic {
        Diagnostic(.note, "note", message, at: range)
    }
}

/// Collects diagnostics across every phase. Schema problems are collected, never thrown.
public struct DiagnosticEngine: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public mutating func emit(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public mutating func error(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [Diagnostic] = []) {
        emit(.error(id, message, at: range, notes: notes))
    }

    public mutating func warning(_ id: DiagnosticID, _ message: String, at range: SourceRange?, notes: [Diagnostic] = []) {
        emit(.warning(id, message, at: range, notes: notes))
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Diagnostics ordered by file, line, column and severity, each reported once.
    public func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.enumerated().sorted { a, b in
            let l = a.element, r = b.element
            switch (l.range?.start, r.range?.start) {
            case (let x?, let y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            default: return l.severity != r.severity ? l.severity < r.severity : a.offset < b.offset
            }
        }.map(\.element)
    }
}
