import Foundation

/// Runs a program found on PATH (`arguments[0]`) and returns its status and its output and errors
/// together. Bounded by `timeout` (then killed: status -1). It suspends meanwhile: a thread of Swift's
/// pool held for the seconds a compiler or a script takes would stall every other test (the pool
/// has one per core).
public func runProcess(_ arguments: [String], timeout: TimeInterval = 60) async throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("process-\(UUID().uuidString).log")
    defer { try? FileManager.default.removeItem(at: log) }
    let process = try ChildProcess(arguments[0], Array(arguments.dropFirst()), output: log, errors: log)
    let ended = await process.exit(within: .seconds(timeout))
    if ended == nil { process.kill() }
    return (ended?.status ?? -1, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
