import Foundation
import TestSupport
import Testing

/// schemathesis (PyPI) against the exported OpenAPI document and the running gateway, with every
/// service behind it: no 5xx, only declared statuses, responses and headers that match their
/// schemas, 405 for undeclared methods, invalid requests refused (scripts/schemathesis-check.py).
@Suite(.serialized, .timeLimit(.minutes(5))) struct SchemathesisTests {
    @Test func theGatewayKeepsItsOpenAPIPromises() async throws {
        let stack = try await EventBookingStack()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("openapi.json").path
        let switchboard = ServeCommandTests.binary.deletingLastPathComponent().appendingPathComponent("switchboard").path
        let export = try await runProcess([switchboard, "export", "openapi", "--schemas", Self.repository.appendingPathComponent("schemas").path, "--output", spec])
        #expect(export.status == 0, "\(export.output)")

        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let script = Self.repository.appendingPathComponent("scripts/schemathesis-check.py").path
        let result = try await runProcess([python, script, spec, stack.http.base.absoluteString, "8"], timeout: 240)
        #expect(result.status == 0, "\(result.output.suffix(6000))")
        try await stack.stop()
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
