import Foundation
import MessagingRuntime
import SchemaExport
import TestSupport
import Testing

/// The exported JSON Schema must accept exactly the payloads Switchboard accepts, as judged by a
/// real JSON Schema validator (Python's `jsonschema`, Draft 2020-12, formats asserted).
@Suite struct JSONSchemaExportTests {
    @Test func pythonJSONSchemaAgreesWithSwitchboardOnTheCorpus() throws {
        let cases = Corpus.all(mutations: 2000)
        let request: JSONValue = [
            "schema": JSONSchemaExporter(schema: Fixtures.schema).document(),
            "cases": .array(cases.map { ["type": .string($0.type), "payload": $0.payload] }),
        ]
        let output = try runPython(script: "scripts/jsonschema-check.py", input: request.serializedBytes())
        guard case .array(let verdicts) = try JSONValue(parsing: output) else {
            Issue.record("unexpected output: \(String(decoding: output, as: UTF8.self))")
            return
        }
        try #require(verdicts.count == cases.count)
        let accepted = verdicts.count { $0 == .bool(true) }
        #expect(accepted > 20 && accepted < cases.count / 2, "jsonschema accepted \(accepted) of \(cases.count)")
        var disagreements: [String] = []
        for (item, verdict) in zip(cases, verdicts) {
            let ours = Fixtures.interpretedIssues(item.type, item.payload)
            if verdict != .bool(ours.isEmpty) {
                disagreements.append("\(item)\n  jsonschema: \(verdict), switchboard: \(ours)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(5).joined(separator: "\n"))")
    }

    @Test func everyMessageAndEnumHasADefinition() {
        guard case .object(let document) = JSONSchemaExporter(schema: Fixtures.schema).document(),
            case .object(let defs)? = document["$defs"]
        else {
            Issue.record("no $defs")
            return
        }
        let expected = Fixtures.schema.namespaces.flatMap { $0.enums.map(\.name.description) + $0.messages.map(\.name.description) }
        #expect(defs.members.map(\.key) == expected)
        #expect(document["$schema"] == .string(JSONSchemaExporter.draft))
    }

    /// Runs a Python script of the repository with `input` on stdin; fails on a non-zero exit.
    func runPython(script: String, input: [UInt8]) throws -> [UInt8] {
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        let (stdin, stdout, stderr) = (files.appendingPathComponent("in"), files.appendingPathComponent("out"), files.appendingPathComponent("err"))
        try Data(input).write(to: stdin)
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let process = try ChildProcess(
            python, [Fixtures.root.appendingPathComponent(script).path], input: stdin, output: stdout, errors: stderr)
        let ended = process.exitBlocking(within: .seconds(120))
        if ended == nil { process.kill() }
        let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        try #require(ended == .exited(0), "python \(ended.map { "ended with \($0)" } ?? "took over 120 s"): \(errors)")
        return Array(try Data(contentsOf: stdout))
    }
}
