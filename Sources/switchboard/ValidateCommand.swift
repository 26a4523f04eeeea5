import ArgumentParser
import Foundation
import MessagingRuntime
import SchemaIR
import SchemaValidation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON payload files against a message type, without compiling anything.",
        discussion: """
            Exit status: 0 when every file is valid, 1 when any is not, 2 on usage errors (unknown type, \
            unreadable file, schema errors). Use '-' to read a payload from standard input.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var options: SchemaOptions

    @Option(help: "Output format: text (file: path: code: message) or json.")
    var format: Format = .text

    @Argument(help: "The message type, as namespace.Name (auth.RegisterRequest).")
    var type: String

    @Argument(help: "The JSON payload files.")
    var files: [String]

    func run() throws {
        let schema = try options.compile(errorStatus: 2)
        guard let message = schema.message(named: type) else {
            let names = schema.namespaces.flatMap { $0.messages.map(\.name.description) }
            let suggestion = names.min { distance($0, type) < distance($1, type) }.map { "; did you mean '\($0)'?" } ?? ""
            throw CLIError(message: "error: unknown message type '\(type)'\(suggestion)")
        }
        let validator = SchemaValidator(schema: schema)
        var reports: [JSONValue] = []
        var allValid = true
        for file in files {
            let bytes = try read(file)
            let issues: [ValidationIssue]
            switch validator.validate(json: bytes, as: message.name) {
            case .success: issues = []
            case .failure(let error): issues = error.issues
            }
            allValid = allValid && issues.isEmpty
            switch format {
            case .text:
                if issues.isEmpty {
                    Console.print("\(file): valid")
                } else {
                    for issue in issues { Console.print("\(file): \(issue.path): \(issue.code.rawValue): \(issue.message)") }
                }
            case .json:
                reports.append([
                    "file": .string(file), "type": .string(message.name.description), "valid": .bool(issues.isEmpty),
                    "issues": .array(issues.map(\.jsonValue)),
                ])
            }
        }
        if format == .json { Console.print(JSONValue.array(reports).serialized(pretty: true)) }
        if !allValid { throw ExitCode(1) }
    }

    private func read(_ file: String) throws -> [UInt8] {
        if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError(message: "error: cannot read payload file '\(file)'")
        }
        return Array(data)
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
