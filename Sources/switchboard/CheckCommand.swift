import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile the schemas and report diagnostics, without writing anything."
    )

    @OptionGroup var options: SchemaOptions

    func run() throws {
        let schema = try options.compile()
        let messages = schema.namespaces.reduce(0) { $0 + $1.messages.count }
        let subjects = schema.namespaces.reduce(0) { $0 + $1.subjects.count }
        Console.print("ok: \(schema.namespaces.count) namespaces, \(messages) messages, \(subjects) subjects")
    }
}
