import ArgumentParser
import Foundation
import Mustache
import SchemaCodeGen

struct ScaffoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaffold",
        abstract: "Write a handler stub for a namespace's service, once.",
        discussion: """
            Writes a type conforming to the namespace's generated Handler protocol, each method throwing \
            NotImplemented (the service answers 501 until it is written). The stub is yours: scaffold never \
            overwrites an existing file, and `switchboard generate` never touches it.
            """
    )

    @OptionGroup var options: SchemaOptions

    @Argument(help: "The namespace (as in the schema: auth).")
    var namespace: String

    @Option(help: "The file to write (default: Sources/<Type>/<Type>.swift).")
    var output: String?

    @Option(help: "The stub's type name (default: <Namespace>Service).")
    var typeName: String?

    @Option(help: "The folder of Mustache templates.")
    var templates: String = "Templates"

    @Flag(help: "Print the stub instead of writing it.")
    var stdout = false

    func run() async throws {
        let schema = try options.compile()
        guard let found = schema.namespace(namespace) else {
            let known = schema.namespaces.map(\.name).joined(separator: ", ")
            throw CLIError(message: "error: no namespace '\(namespace)' in \(options.schemas)/ (there are: \(known))")
        }
        let library: MustacheLibrary
        do { library = try await MustacheLibrary(directory: templates) } catch {
            throw CLIError(message: "error: cannot load templates from '\(templates)': \(error)")
        }
        guard library.getTemplate(named: Scaffolder.templateName) != nil else {
            throw CLIError(message: "error: '\(templates)' lacks \(Scaffolder.templateName).mustache")
        }
        guard let stub = Scaffolder(templates: library).scaffold(found, in: schema, typeName: typeName) else {
            throw CLIError(message: "error: namespace '\(namespace)' answers no request subject: there is no handler to scaffold")
        }
        if stdout { return Console.printRaw(stub.contents) }
        let path = output ?? "Sources/\(stub.typeName)/\(stub.typeName).swift"
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else {
            Console.error("error: \(path) exists; scaffold never overwrites a file (edit it, or choose --output)")
            throw ExitCode(1)
        }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try stub.contents.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError(message: "error: cannot write \(path): \(error.localizedDescription)")
        }
        Console.print("wrote \(path): \(stub.typeName) conforms to \(stub.protocolName); fill in its methods")
    }
}
