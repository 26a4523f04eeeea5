import Foundation
import TestSupport
import Testing

/// The children the tests start inherit nothing but their standard streams, end as they are told,
/// and are waited for by this process alone.
@Suite(.timeLimit(.minutes(1))) struct ChildProcessTests {
    @Test func aChildInheritsOnlyItsStandardStreams() async throws {
        // A pipe without close-on-exec, as Foundation's Process and Pipe make them.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let ours = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(ends[0])")
        #expect(ours.hasPrefix("pipe:"))
        let child = try ChildProcess("sleep", ["5"])
        defer { child.kill() }
        // What the child holds (its loader may hold a library for a moment too, never the pipe).
        let folder = "/proc/\(child.pid)/fd"
        let held = try FileManager.default.contentsOfDirectory(atPath: folder)
            .compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\($0)") }
        #expect(held.count >= 3 && !held.contains(ours), "\(held)")
    }

    @Test func exitCodesSignalsAndStreams() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in"), output = folder.appendingPathComponent("out")
        try Data("from a file\n".utf8).write(to: input)

        let copied = try ChildProcess("sh", ["-c", "cat; pwd; echo oops >&2; exit 3"], directory: folder, input: input, output: output, errors: output)
        #expect(await copied.exit(within: .seconds(10)) == .exited(3))
        let resolvedFolder = folder.resolvingSymlinksInPath().path
        #expect(try String(contentsOf: output, encoding: .utf8) == "from a file\n\(resolvedFolder)\noops\n")
        #expect(!copied.signal(SIGTERM), "an ended child is not signalled: its PID may be someone else's")

        let environment = try ChildProcess("sh", ["-c", "test \"$ONLY\" = this && test -z \"$HOME\""], environment: ["ONLY": "this"])
        #expect(await environment.exit(within: .seconds(10)) == .exited(0))
    }

    /// SIGTERM reaches a child although the thread that starts it blocks SIGTERM, and a child
    /// killed is reported as signalled.
    @Test func signalsHaveTheirDefaultActionsInTheChild() async throws {
        let child: ChildProcess = try {
            var blocked = sigset_t(), previous = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &blocked, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            return try ChildProcess("sleep", ["30"])
        }()
        #expect(child.isRunning)
        #expect(child.signal(SIGTERM))
        #expect(await child.exit(within: .seconds(10)) == .signalled(SIGTERM))

        let killed = try ChildProcess("sleep", ["30"])
        killed.kill()
        #expect(killed.termination == .signalled(SIGKILL))
    }

    @Test func aChildDroppedWhileRunningIsKilledAndReaped() throws {
        var child: ChildProcess? = try ChildProcess("sleep", ["30"])
        let pid = try #require(child?.pid)
        #expect(FileManager.default.fileExists(atPath: "/proc/\(pid)"))
        child = nil
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "neither running nor a zombie")
    }

    @Test func aProgramNotOnThePathIsAClearError() {
        let error = #expect(throws: (any Error).self) { try ChildProcess("no-such-program-here", []) }
        #expect("\(error.map { "\($0)" } ?? "")" == "no-such-program-here is not on PATH")
    }
}
