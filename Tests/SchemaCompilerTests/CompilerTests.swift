import Foundation
import SchemaCompiler
import SchemaDiagnostics
import Testing

/// The example schemas of the repository (`schemas/*.yaml`), as the CLI loads them.
enum ExampleSchemas {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schemas", isDirectory: true)

    static let sources: [SchemaSource] = {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
            return SchemaSource(path: "schemas/\(name)", relativePath: name, text: String(decoding: data, as: UTF8.self))
        }
    }()
}

/// Properties of the compiler as a whole, beyond single golden files.
@Suite struct CompilerTests {
    @Test func exampleSchemasCompileWithoutDiagnostics() throws {
        #expect(ExampleSchemas.sources.count >= 3)
        let result = SchemaCompiler.compile(ExampleSchemas.sources)
        #expect(result.diagnostics.isEmpty, "\(result.renderedDiagnostics())")
        #expect(result.renderedDiagnostics() == "")
        let schema = try #require(result.schema)
        #expect(schema.namespaces.map(\.name) == ["auth", "bookings", "events"])
    }

    @Test func outputDoesNotDependOnTheOrderOfTheSources() throws {
        let sources = try FixtureCase.all.first { $0.name == "subject-clash" }.map { try $0.sources() } ?? []
        #expect(sources.count == 2)
        let forward = SchemaCompiler.compile(sources).renderedDiagnostics()
        #expect(!forward.isEmpty)
        #expect(SchemaCompiler.compile(sources.reversed()).renderedDiagnostics() == forward)
    }

    /// Every id the compiler can report appears in at least one golden file. A new id fails this test
    /// until a fixture shows it.
    @Test func everyDiagnosticIDHasAFixture() throws {
        let sourcesFolder = ExampleSchemas.folder.deletingLastPathComponent().appendingPathComponent("Sources")
        var reported: Set<String> = []
        let call = try Regex(#"(?:error|warning)\(\s*"([a-z]+(?:-[a-z]+)*)""#)
        // `id: "x"`, `DiagnosticID = "x"` and the branches of `cond ? "x" : "y"`.
        let parameter = try Regex(#"(?:id: |DiagnosticID = |\? |: )"([a-z]+(?:-[a-z]+)+)""#)
        for target in ["SchemaCompiler", "SchemaSyntax"] {
            let folder = sourcesFolder.appendingPathComponent(target)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                for match in text.matches(of: call) + text.matches(of: parameter) {
                    if let id = match.output[1].substring { reported.insert(String(id)) }
                }
            }
        }
        #expect(reported.count >= 35)
        var covered: Set<String> = []
        let bracket = try Regex(#"^(?:\S+: )?(?:error|warning): .* \[([a-z]+(?:-[a-z]+)*)\]$"#)
        for fixture in FixtureCase.all {
            for line in (fixture.expectedOutput() ?? "").split(separator: "\n") {
                if let match = line.firstMatch(of: bracket), let id = match.output[1].substring { covered.insert(String(id)) }
            }
        }
        #expect(reported.subtracting(covered).sorted() == [], "ids without a fixture")
        #expect(covered.subtracting(reported).sorted() == [], "fixtures show ids the sources do not report")
    }

    @Test func everyFixtureDiagnosticPointsInsideItsFile() throws {
        for fixture in FixtureCase.all {
            let result = SchemaCompiler.compile(try fixture.sources())
            for diagnostic in result.diagnostics + result.diagnostics.flatMap(\.notes) {
                let range = try #require(diagnostic.range, "\(fixture.name): \(diagnostic.message)")
                let file = try #require(result.files.first { $0.path == range.start.file })
                let line = try #require(file.line(range.start.line), "\(fixture.name): line \(range.start.line)")
                #expect(range.start.column >= 1 && range.start.column <= line.unicodeScalars.count + 1, "\(fixture.name)")
            }
        }
    }

    @Test func aSchemaIsProducedOnlyWithoutErrors() {
        let valid = SchemaCompiler.compile([SchemaSource(path: "schemas/a.yaml", relativePath: "a.yaml", text: "namespace: a\n")])
        #expect(valid.schema?.namespaces.map(\.name) == ["a"])
        #expect(valid.diagnostics.isEmpty)
        let invalid = SchemaCompiler.compile([SchemaSource(path: "schemas/a.yaml", relativePath: "a.yaml", text: "namespace: A\n")])
        #expect(invalid.schema == nil)
        #expect(invalid.hasErrors)
        #expect(SchemaCompiler.compile([]).schema?.namespaces.isEmpty == true)
    }
}
