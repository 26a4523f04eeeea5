/// A file the generator produced, in memory: only the CLI writes it to disk.
public struct GeneratedFile: Hashable, Sendable {
    /// Path relative to the output folder (`Auth+Messages.swift`).
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// The access level of every generated declaration.
public enum AccessLevel: String, Sendable, CaseIterable {
    case `public`, package, `internal`
}
