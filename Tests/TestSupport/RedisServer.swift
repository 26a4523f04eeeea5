import Foundation
import NIOCore
import NIOPosix

/// A real redis-server (Debian's package) on a free loopback port, without persistence, started
/// by the test and ended by its PID. `stop()` and `start()` again restart it on the same port.
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    private let arguments: [String]
    private let folder: URL
    private var process: ChildProcess?

    public var url: String { "redis://127.0.0.1:\(port)" }
    /// Whether the server runs (not stopped, not killed).
    public var isRunning: Bool { process?.isRunning ?? false }

    /// - Parameter arguments: more configuration as command-line flags (`--requirepass`, `--user`…).
    public init(port: Int? = nil, arguments: [String] = []) throws {
        self.port = try port ?? NATSServer.freePort()
        self.arguments = arguments
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try start()
    }

    public func start() throws {
        let process = try ChildProcess(
            serverExecutable("redis-server"),
            [
                "--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path,
                "--daemonize", "no", "--logfile", "",
            ] + arguments)
        self.process = process
        // Ready when it accepts connections (bounded: 10 s).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, process.isRunning {
            if NATSServer.accepts(port: port) { return }
            usleep(20_000)
        }
        stop()
        throw TestServerError(message: "redis-server did not start on port \(port)")
    }

    /// SIGKILL (a server without persistence loses nothing by it), then waits until it is gone.
    public func stop() {
        guard let process else { return }
        self.process = nil
        process.kill()
    }

    /// Freezes the server (SIGSTOP) as a hung server would be; `resume` thaws it.
    public func pause() {
        guard let process, process.signal(SIGSTOP) else { return }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, NATSServer.state(of: process.pid) != "T" { usleep(1_000) }
    }

    public func resume() {
        process?.signal(SIGCONT)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

}
