import Foundation
import SchemaCodeGen
import TestSupport
import Testing

/// Generated code for a schema full of edge cases must type-check against the real runtime
/// (`swiftc -typecheck` with the modules of this build).
@Suite struct CompilesTests {
    static let edgeCases = [
        ("edge.yaml", """
            namespace: edge_cases
            description: "Names and values that are easy to get wrong: \\"quotes\\", back\\\\slashes."
            enums:
              Mode: [in-progress, DONE, "2fa", default, self, Type]
            messages:
              Keywords:
                unknownFields: strip
                fields:
                  default: { type: string, default: "say \\"hi\\"\\n" }
                  in: { type: int, optional: true }
                  isSelf: { type: bool, default: true }
                  path: { type: "int[]", default: [1, 2] }
                  issues: { type: "map<string[]>", optional: true }
                  json: { type: json, default: { a: [1, null, "x"] } }
                  object: { type: double, default: 2.5, nullable: true }
                  member: { type: Mode, default: in-progress }
                  when: { type: datetime, default: "2026-11-29T10:00:00+01:00" }
                  day: { type: date, default: "2024-02-29" }
                  id: { type: uuid, default: "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b" }
                  nested: { type: Inner, default: { name: n } }
                  matrix: { type: "double[][]", optional: true, min: 0 }
              Inner:
                fields:
                  name: { type: string, pattern: "^[a-z\\\\d]+$" }
                  children: { type: "Inner[]", optional: true }
              Comment:
                fields:
                  text: string
                  parent: { type: Comment, optional: true }
                  replies: { type: "Comment[]", optional: true }
              Expr:
                discriminator: op
                oneOf: { lit: Lit, neg: Negate }
              Lit: { fields: { value: double } }
              Negate: { fields: { operand: Expr } }
              Shape:
                discriminator: type
                oneOf: { inner: Inner, keywords: Keywords }
            errors:
              Boom: { status: 500, message: "It went \\"boom\\"." }
            subjects:
              poke:
                subject: "edge.{name}.poke"
                kind: request
                request: Inner
                reply: Shape
                errors: [Boom]
                lock: "poke:{name}:x"
                http: { method: DELETE, path: "/edge/{name}", auth: authenticated }
              poked: { subject: edge.poked, kind: event, message: Shape }
            """),
    ]

    @Test(arguments: AccessLevel.allCases)
    func generatedCodeTypeChecks(access: AccessLevel) async throws {
        let files = try await Support.generate(Self.edgeCases, access: access)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-compiles-\(access)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, contents) in files {
            try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let (status, output) = try await Self.swiftc(["-typecheck", "-module-name", "EdgeCasesModule", "-package-name", "switchboard", "-I", Self.modulesFolder()] + files.keys.sorted().map { folder.appendingPathComponent($0).path })
        #expect(status == 0, "\(output)")
    }

    /// `.build/<triple>/debug/Modules`, next to the test bundle.
    static func modulesFolder() -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Modules")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("MessagingRuntime.swiftmodule").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return Support.root.appendingPathComponent(".build/debug/Modules").path
    }

    static func swiftc(_ arguments: [String]) async throws -> (Int32, String) {
        let result = try await runProcess(["swiftc"] + arguments, timeout: 600)
        return (result.status, result.output)
    }
}
