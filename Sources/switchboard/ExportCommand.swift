import ArgumentParser
import Foundation
import MessagingRuntime
import SchemaExport
import SchemaIR

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the schemas in another format.",
        subcommands: [JSONSchemaCommand.self]
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
        let text = document.serialized(pretty: true) + "\n"
        guard let output else {
            Console.printRaw(text)
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIError(message: "error: cannot write '\(output)': \(error.localizedDescription)")
        }
    }
}
