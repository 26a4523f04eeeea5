import ArgumentParser
import Foundation
import SchemaCompiler
import SchemaIR

/// `--schemas DIR`, shared by every command that reads schemas.
struct SchemaOptions: ParsableArguments {
    @Option(name: .long, help: "The folder of schema files (*.yaml, searched recursively).")
    var schemas: String = "schemas"

    /// Reads and compiles every schema file. Prints diagnostics; throws when there are errors.
    func compile(errorStatus: Int32 = 1) throws -> Schema {
        let result = SchemaCompiler.compile(try SchemaLoader.load(schemas))
        if !result.diagnostics.isEmpty { Console.error(result.renderedDiagnostics()) }
        guard let schema = result.schema else { throw ExitCode(errorStatus) }
        return schema
    }
}

enum SchemaLoader {
    /// Every `*.yaml` / `*.yml` under `directory`, sorted, with paths relative to the working directory.
    static func load(_ directory: String) throws -> [SchemaSource] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError(message: "error: schema folder '\(directory)' does not exist")
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CLIError(message: "error: cannot read schema folder '\(directory)'")
        }
        var sources: [SchemaSource] = []
        for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension) {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            let display = displayPath(directory, relative)
            guard let data = manager.contents(atPath: url.path) else {
                throw CLIError(message: "error: cannot read \(display)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError(message: "error: \(display) is not UTF-8 text")
            }
            sources.append(SchemaSource(path: display, relativePath: relative, text: text))
        }
        return sources.sorted { $0.path < $1.path }
    }

    /// `schemas/auth.yaml`: the path relative to the working directory (`../contracts/auth.yaml` when
    /// the folder is elsewhere), never absolute, so that diagnostics and generated headers are the same
    /// on every machine.
    static func displayPath(_ directory: String, _ relative: String) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        let common = zip(cwd, folder).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: cwd.count - common) + folder.dropFirst(common) + [relative]
        return parts.joined(separator: "/")
    }
}
