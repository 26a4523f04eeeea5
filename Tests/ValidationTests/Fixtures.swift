import Foundation
import GeneratedSchemas
import MessagingRuntime
import SchemaCompiler
import SchemaIR
import SchemaValidation

/// The repository's example schemas, compiled once, and the generated types of the same schemas.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let schema: Schema = {
        let folder = root.appendingPathComponent("schemas")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let sources = names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            SchemaSource(
                path: "schemas/\(name)", relativePath: name,
                text: (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            )
        }
        let result = SchemaCompiler.compile(sources)
        guard let schema = result.schema else { fatalError("example schemas do not compile:\n\(result.renderedDiagnostics())") }
        return schema
    }()

    static let validator = SchemaValidator(schema: schema)

    /// Every generated message type, by `namespace.Name`.
    static let generatedTypes: [String: any MessagingRuntime.Message.Type] = {
        let all: [any MessagingRuntime.Message.Type] = Auth.messageTypes + Events.messageTypes + Bookings.messageTypes
        return Dictionary(uniqueKeysWithValues: all.map { ($0.messageType, $0) })
    }()

    /// The issues the generated validator of `type` reports for `json`.
    static func generatedIssues(_ type: String, _ json: JSONValue) -> [ValidationIssue] {
        guard let messageType = generatedTypes[type] else { fatalError("no generated type \(type)") }
        var issues: [ValidationIssue] = []
        let value = messageType.validate(json, at: .root, &issues)
        if value == nil && issues.isEmpty { fatalError("\(type) returned nil without an issue") }
        return issues
    }

    /// The issues the IR interpreter reports for `json`.
    static func interpretedIssues(_ type: String, _ json: JSONValue) -> [ValidationIssue] {
        guard let name = QualifiedName(parsing: type) else { fatalError("bad type name \(type)") }
        switch validator.validate(json, as: name) {
        case .success: return []
        case .failure(let error): return error.issues
        }
    }
}
