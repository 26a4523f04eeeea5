import Foundation

/// Runs a program found on PATH (`arguments[0]`) and returns its status and its output and errors
/// together. Bounded by `timeout` (then terminated: status -1), and waited for by polling, since
/// Process.waitUntilExit spins on Linux.
public func runProcess(_ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("process-\(UUID().uuidString).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    let timedOut = process.isRunning
    if timedOut { process.terminate() }
    try? handle.close()
    return (timedOut ? -1 : process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
