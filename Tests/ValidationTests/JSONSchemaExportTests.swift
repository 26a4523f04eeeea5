import Foundation
import MessagingRuntime
import SchemaExport
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", Fixtures.root.appendingPathComponent(script).path]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and read concurrently so that neither pipe fills up.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python failed: \(String(decoding: errors, as: UTF8.self))")
        return Array(output)
    }
}
