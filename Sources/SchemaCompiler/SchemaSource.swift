public import SchemaDiagnostics
public import SchemaIR

/// A schema file to compile, held in memory: the compiler never touches the disk.
public struct SchemaSource: Sendable, Hashable {
    /// The path diagnostics print, relative to the working directory (`schemas/auth.yaml`).
    public var path: String
    /// The path relative to the schemas folder (`auth.yaml`), used in generated pointers.
    public var relativePath: String
    public var text: String

    public init(path: String, relativePath: String, text: String) {
        self.path = path
        self.relativePath = relativePath
        self.text = text
    }

    public var file: SourceFile { SourceFile(path: path, text: text) }
}

/// What a compilation produced: the IR when there were no errors, and every diagnostic.
public struct CompilationResult: Sendable {
    public var schema: Schema?
    public var diagnostics: [Diagnostic]
    public var files: [SourceFile]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics rendered as clang does, with the count line.
    public func renderedDiagnostics() -> String {
        DiagnosticRenderer(files: files).render(diagnostics)
    }
}
