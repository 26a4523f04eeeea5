import Foundation
import Mustache
import SchemaCodeGen
import SchemaCompiler
import SchemaIR

enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func templates() async throws -> MustacheLibrary {
        try await MustacheLibrary(directory: root.appendingPathComponent("Templates").path)
    }

    /// The repository's schema files, as the CLI loads them.
    static func exampleSources() throws -> [SchemaSource] {
        let folder = root.appendingPathComponent("schemas")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { name in
                SchemaSource(
                    path: "schemas/\(name)", relativePath: name,
                    text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                )
            }
    }

    /// Compiles in-memory YAML files (`name` → text), failing with the rendered diagnostics.
    static func compile(_ files: [(String, String)]) throws -> Schema {
        let result = SchemaCompiler.compile(files.map { SchemaSource(path: "schemas/\($0.0)", relativePath: $0.0, text: $0.1) })
        guard let schema = result.schema else { throw CompileFailure(text: result.renderedDiagnostics()) }
        return schema
    }

    static func generate(_ files: [(String, String)], access: AccessLevel = .public) async throws -> [String: String] {
        let generator = CodeGenerator(templates: try await templates(), access: access)
        return Dictionary(uniqueKeysWithValues: generator.generate(try compile(files)).map { ($0.path, $0.contents) })
    }

    struct CompileFailure: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    /// A compact line diff: the first differing lines with a little context.
    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (a.count != b.count ? min(a.count, b.count) : nil)
        else { return "(identical)" }
        let range = max(0, first - 2)..<(first + 4)
        var out = "first difference at line \(first + 1):\n"
        for index in range {
            if index < a.count { out += "- \(a[index])\n" }
            if index < b.count { out += "+ \(b[index])\n" }
        }
        return out
    }
}
