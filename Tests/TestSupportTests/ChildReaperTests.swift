import Foundation
import TestSupport
import Testing

/// A test process that a signal ends (Ctrl-C, `timeout`) takes the servers it started along: they
/// run in process groups of their own, which the terminal's signal does not reach.
@Suite(.timeLimit(.minutes(1))) struct ChildReaperTests {
    /// Set in the test process this test starts: the file it writes its child's PID to.
    static let pidFileVariable = "SWITCHBOARD_CHILD_REAPER_PID_FILE"
    /// Set too when that process is to exit by itself, its child still running.
    static let exitVariable = "SWITCHBOARD_CHILD_REAPER_EXIT"

    /// This test runs in two roles. Run by the suite, it starts this test binary again, filtered
    /// to this test and with `pidFileVariable` set; in that process it starts a `sleep`, writes its
    /// PID and waits for the signal. SIGINT, SIGTERM and SIGHUP must each end that process as they
    /// would have (killed by the signal) and its `sleep` with it; so must an `exit` of its own.
    @Test func aTestProcessEndedByASignalTakesItsChildrenAlong() async throws {
        let environment = ProcessInfo.processInfo.environment
        if let pidFile = environment[Self.pidFileVariable] {
            let child = try ChildProcess("sleep", ["300"])
            try Data("\(child.pid)".utf8).write(to: URL(fileURLWithPath: pidFile), options: .atomic)
            if environment[Self.exitVariable] != nil { exit(0) }
            try await Task.sleep(for: .seconds(50))
            Issue.record("the signal did not come")
            return
        }
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reaper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for signal in [SIGINT, SIGTERM, SIGHUP, 0] {  // 0: the test process exits by itself
            let pidFile = folder.appendingPathComponent("pid-\(signal)"), log = folder.appendingPathComponent("log-\(signal)")
            var environment = environment
            environment[Self.pidFileVariable] = pidFile.path
            if signal == 0 { environment[Self.exitVariable] = "1" }
            let testProcess = try ChildProcess(
                binary, ["--testing-library", "swift-testing", "--filter", "ChildReaperTests"],
                environment: environment, output: log, errors: log)
            let sleeper = try #require(await Self.pid(in: pidFile, from: testProcess), "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            if signal == 0 {
                #expect(await testProcess.exit(within: .seconds(10)) == .exited(0))
            } else {
                #expect(Self.isRunning(sleeper))
                #expect(testProcess.signal(signal))
                #expect(await testProcess.exit(within: .seconds(10)) == .signalled(signal))
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while Self.isRunning(sleeper), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!Self.isRunning(sleeper), "the child of a test process ended by signal \(signal) (0: exit) still runs")
        }
    }

    /// The PID the test process writes, once it has (nil if it ends without, or takes 30 s).
    private static func pid(in file: URL, from process: ChildProcess) async -> pid_t? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let ended = !process.isRunning  // before the read: an exit right after writing still counts
            if let text = try? String(contentsOf: file, encoding: .utf8), let pid = pid_t(text) { return pid }
            if ended { return nil }
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
