import Foundation
import TestSupport

/// Runs the built `switchboard` binary in a scratch folder.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary beside the test bundle (`swift build` puts both in the same folder).
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("switchboard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/switchboard")
    }()

    let folder: URL

    /// A new scratch folder holding a copy of the example schemas and the templates.
    init(copyExamples: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if copyExamples {
            for name in ["schemas", "Templates"] {
                try FileManager.default.copyItem(at: Self.repository.appendingPathComponent(name), to: folder.appendingPathComponent(name))
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func write(_ path: String, _ text: String) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path) }

    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil) async throws -> Result { try await run(arguments, stdin: stdin) }

    /// - Parameters:
    ///   - environment: variables set (or replaced) for this run.
    ///   - timeLimit: past it the process is terminated (SIGTERM: status 15), so that a hang fails
    ///     the test instead of the run; 10 minutes when nil.
    @discardableResult
    func run(
        _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:], timeLimit: Duration? = nil
    ) async throws -> Result {
        let streams = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: streams, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: streams) }
        let input = streams.appendingPathComponent("stdin"), output = streams.appendingPathComponent("stdout")
        let errors = streams.appendingPathComponent("stderr")
        try Data((stdin ?? "").utf8).write(to: input)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { $1 }
        let process = try ChildProcess(
            Self.binary.path, arguments, environment: environment, directory: folder, input: input, output: output, errors: errors)
        var ended = await process.exit(within: timeLimit ?? .seconds(600))
        if ended == nil {
            process.signal(SIGTERM)
            ended = await process.exit(within: .seconds(5))
            if ended == nil { process.kill() }
        }
        return Result(
            status: ended?.status ?? -1, stdout: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        )
    }
}

extension CLI {
    /// `.build/<triple>/debug/Modules`, where this build's Swift modules are.
    static func modulesFolder() -> String {
        var url = binary.deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Modules")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("GeneratedSchemas.swiftmodule").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/Modules").path
    }

    static func swiftc(_ arguments: [String]) async throws -> (Int32, String) { try await tool(["swiftc"] + arguments) }

    /// Runs a program found on PATH; its status and its output and errors together.
    static func tool(_ arguments: [String]) async throws -> (Int32, String) {
        let result = try await runProcess(arguments, timeout: 240)
        return (result.status, result.output)
    }
}
