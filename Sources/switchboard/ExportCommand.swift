import ArgumentParser
import Foundation
import MessagingRuntime
import SchemaExport
import SchemaIR

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the schemas in another format.",
        subcommands: [JSONSchemaCommand.self, OpenAPICommand.self, AsyncAPICommand.self]
    )
}

struct JSONSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonschema",
        abstract: "Export JSON Schema (Draft 2020-12), one $defs entry per message and enum."
    )

    @OptionGroup var options: SchemaOptions

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "Make this message (namespace.Name) the document's root.")
    var root: String?

    func run() throws {
        let schema = try options.compile(errorStatus: 2)
        let exporter = JSONSchemaExporter(schema: schema)
        var document = exporter.document()
        if let root {
            guard let message = schema.message(named: root) else {
                throw CLIError(message: "error: unknown message type '\(root)'")
            }
            document = exporter.document(for: message.name)
        }
        try writeDocument(document, to: output)
    }
}

struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Export OpenAPI 3.1 for the gateway's routes (the subjects with http:)."
    )

    @OptionGroup var options: SchemaOptions

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "The API's title.")
    var title = "Switchboard gateway"

    @Option(help: "The API's version.")
    var apiVersion = "1.0.0"

    func run() throws {
        let schema = try options.compile(errorStatus: 2)
        try writeDocument(OpenAPIExporter(schema: schema, title: title, version: apiVersion).document(), to: output)
    }
}

struct AsyncAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asyncapi",
        abstract: "Export AsyncAPI 3.0 for the NATS subjects: channels, request/reply and event operations, messages."
    )

    @OptionGroup var options: SchemaOptions

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "The document's title.")
    var title = "Switchboard services"

    @Option(help: "The document's version.")
    var apiVersion = "1.0.0"

    func run() throws {
        let schema = try options.compile(errorStatus: 2)
        try writeDocument(AsyncAPIExporter(schema: schema, title: title, version: apiVersion).document(), to: output)
    }
}

/// Pretty JSON to `output`, or to standard output.
func writeDocument(_ document: JSONValue, to output: String?) throws {
    let text = document.serialized(pretty: true) + "\n"
    guard let output else { return Console.printRaw(text) }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
        throw CLIError(message: "error: cannot write '\(output)': \(error.localizedDescription)")
    }
}
