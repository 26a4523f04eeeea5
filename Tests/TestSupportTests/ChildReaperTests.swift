import Foundation
import TestSupport
import Testing

/// A test process that a signal ends (Ctrl-C, `timeout`) takes the servers it started along: they
/// run in process groups of their own, which the terminal's signal does not reach.
@Suite(.timeLimit(.minutes(1))) struct ChildReaperTests {
    /// Set in the test process this test starts: the file it writes its child's PID to.
    static let pidFileVariable = "SWITCHBOARD_CHILD_REAPER_PID_FILE"

    /// This test runs in two roles. Run by the suite, it starts this test binary again, filtered
    /// to this test and with `pidFileVariable` set; in that process it starts a `sleep`, writes its
    /// PID and waits for the signal. SIGINT and SIGTERM must each end that process as they would
    /// have (killed by the signal) and its `sleep` with it.
    @Test func aTestProcessEndedByASignalTakesItsChildrenAlong() async throws {
        if let pidFile = ProcessInfo.processInfo.environment[Self.pidFileVariable] {
            let child = try ChildProcess("sleep", ["300"])
            try Data("\(child.pid)".utf8).write(to: URL(fileURLWithPath: pidFile))
            try await Task.sleep(for: .seconds(50))
            Issue.record("the signal did not come")
            return
        }
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reaper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for signal in [SIGINT, SIGTERM] {
            let pidFile = folder.appendingPathComponent("pid-\(signal)"), log = folder.appendingPathComponent("log-\(signal)")
            var environment = ProcessInfo.processInfo.environment
            environment[Self.pidFileVariable] = pidFile.path
            let testProcess = try ChildProcess(
                binary, ["--testing-library", "swift-testing", "--filter", "ChildReaperTests"],
                environment: environment, output: log, errors: log)
            let sleeper = try #require(await Self.pid(in: pidFile, from: testProcess), "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            #expect(Self.isRunning(sleeper))

            #expect(testProcess.signal(signal))
            #expect(await testProcess.exit(within: .seconds(10)) == .signalled(signal))
            let deadline = ContinuousClock.now + .seconds(5)
            while Self.isRunning(sleeper), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!Self.isRunning(sleeper), "the child of a test process ended by signal \(signal) still runs")
        }
    }

    /// The PID the test process writes, once it has (nil if it ends first or takes 30 s).
    private static func pid(in file: URL, from process: ChildProcess) async -> pid_t? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if let text = try? String(contentsOf: file, encoding: .utf8), let pid = pid_t(text) { return pid }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Running: neither gone nor a zombie (its parent is gone, so init reaps it, in its own time).
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[close...].hasPrefix(") Z")
    }
}
