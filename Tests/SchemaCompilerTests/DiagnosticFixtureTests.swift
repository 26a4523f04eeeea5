import Foundation
import SchemaCompiler
import Testing

/// One golden case: `Fixtures/<name>.yaml` (or the folder `Fixtures/<name>/` of several files)
/// beside `Fixtures/<name>.diagnostics`, the exact rendered output of the compiler.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    let name: String
    /// The `.yaml` files of the case, sorted.
    let files: [URL]

    var testDescription: String { name }

    /// The copy of `Fixtures` that SwiftPM bundles with the tests.
    static var bundledFolder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// The `Fixtures` folder in the source tree, where `RECORD=1` writes.
    static var sourceFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures", isDirectory: true)
    }

    static let all: [FixtureCase] = {
        let manager = FileManager.default
        let folder = bundledFolder
        let entries = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
        var cases: [FixtureCase] = []
        for entry in entries.sorted() {
            let url = folder.appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let yaml = ((try? manager.contentsOfDirectory(atPath: url.path)) ?? [])
                    .filter { $0.hasSuffix(".yaml") }.sorted().map { url.appendingPathComponent($0) }
                cases.append(FixtureCase(name: entry, files: yaml))
            } else if entry.hasSuffix(".yaml") {
                cases.append(FixtureCase(name: String(entry.dropLast(".yaml".count)), files: [url]))
            }
        }
        return cases
    }()

    /// The sources as the CLI would load them: `schemas/<file>`, decoded as UTF-8 with replacement.
    func sources() throws -> [SchemaSource] {
        try files.map { url in
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let file = url.lastPathComponent
            return SchemaSource(path: "schemas/\(file)", relativePath: file, text: text)
        }
    }

    func expectedOutput() -> String? {
        let url = Self.bundledFolder.appendingPathComponent("\(name).diagnostics")
        return (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
    }

    func record(_ output: String) throws {
        let url = Self.sourceFolder.appendingPathComponent("\(name).diagnostics")
        try Data(output.utf8).write(to: url)
    }
}

@Suite struct DiagnosticFixtureTests {
    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD"] == "1" }

    @Test func fixturesAreFound() {
        #expect(FixtureCase.all.count > 20)
        #expect(FixtureCase.all.allSatisfy { !$0.files.isEmpty })
    }

    @Test(arguments: FixtureCase.all)
    func fixture(_ fixture: FixtureCase) throws {
        let result = SchemaCompiler.compile(try fixture.sources())
        let actual = result.renderedDiagnostics()
        if Self.isRecording {
            try fixture.record(actual)
            Issue.record("recorded \(fixture.name).diagnostics; review the diff and run again without RECORD=1")
            return
        }
        let expected = try #require(
            fixture.expectedOutput(), "no \(fixture.name).diagnostics; run with RECORD=1 to create it"
        )
        #expect(actual == expected, "\(fixture.name): rendered diagnostics differ from the golden file")
        // The IR exists exactly when there is no error.
        #expect((result.schema == nil) == result.hasErrors)
        if expected.isEmpty { #expect(result.diagnostics.isEmpty) }
    }
}
