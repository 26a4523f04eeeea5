import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

/// Compiles schema files into the checked IR, collecting every diagnostic like a compiler:
/// a schema problem is reported, never thrown, and compilation goes on to find the next one.
public enum SchemaCompiler {
    public static func compile(_ sources: [SchemaSource]) -> CompilationResult {
        let sorted = sources.sorted { $0.path < $1.path }
        var compilation = Compilation()
        let files = sorted.compactMap { compilation.readFile($0) }
        compilation.declare(files)
        var namespaces = files.compactMap { compilation.lower($0) }
        for namespace in namespaces {
            for message in namespace.messages { compilation.lowered[message.name] = message }
        }
        for (index, namespace) in namespaces.enumerated() {
            guard let file = files.first(where: { $0.source.path == namespace.file }) else { continue }
            namespaces[index].subjects = file.subjects.compactMap { compilation.lowerSubject($0, in: file) }
        }
        // The whole-schema checks run even after errors, so that every problem is reported at once;
        // they skip what an earlier error left incomplete.
        var schema = Schema(namespaces: namespaces.sorted { $0.name < $1.name })
        compilation.checkCycles(schema)
        compilation.checkUnions(schema)
        compilation.checkClashes(schema, files: files)
        compilation.checkLiterals(&schema, files: files)
        let diagnostics = compilation.diagnostics.sorted()
        let failed = diagnostics.contains { $0.severity == .error }
        return CompilationResult(schema: failed ? nil : schema, diagnostics: diagnostics, files: sorted.map(\.file))
    }
}

/// The compiler's working state across phases.
struct Compilation {
    var diagnostics = DiagnosticEngine()
    /// Namespace name → the names it declares.
    var symbols: [String: Symbols] = [:]
    /// Defaults and examples, converted and checked once every type is known.
    var pendingLiterals: [PendingLiteral] = []
    /// Every lowered message, for the checks of subjects, lock keys and routes.
    var lowered: [QualifiedName: MessageType] = [:]
    /// The YAML of each declared message, to point diagnostics at its fields.
    var messageValues: [QualifiedName: YAMLNode] = [:]
    /// Enums and messages whose declaration had an error.
    var incomplete: Set<QualifiedName> = []
    /// The lines of every file, to point inside a scalar (at one `{field}` of a template).
    var sourceLines: [String: [Substring]] = [:]

    struct Symbols {
        var file: String
        var namespaceRange: SourceRange
        var enums: [String: YAMLNode] = [:]
        var messages: [String: YAMLNode] = [:]
        var errors: [String: YAMLNode] = [:]
    }

    mutating func error(_ id: DiagnosticID, _ message: String, at node: YAMLNode, notes: [Diagnostic] = []) {
        diagnostics.error(id, message, at: node.range, notes: notes)
    }
}

/// A `default:` or `example:` waiting for the whole schema to be lowered.
struct PendingLiteral {
    enum Kind: String { case defaultValue = "default", example }
    var message: QualifiedName
    var field: String
    var kind: Kind
    var node: YAMLNode
}

/// One schema file's top level, read but not yet lowered.
struct FileSyntax {
    var source: SchemaSource
    var namespace: String
    var namespaceNode: YAMLNode
    var description: String?
    var version: Int
    var enums: [YAMLPair]
    var messages: [YAMLPair]
    var errors: [YAMLPair]
    var subjects: [YAMLPair]
}
