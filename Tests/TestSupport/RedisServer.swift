import Foundation
import NIOCore
import NIOPosix

/// A real redis-server (Debian's package) on a free loopback port, without persistence, started
/// by the test and ended by its PID. `stop()` and `start()` again restart it on the same port.
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    private let arguments: [String]
    private let folder: URL
    private var process: Process?

    public var url: String { "redis://127.0.0.1:\(port)" }
    /// The PID of the running server, nil when stopped.
    public var processIdentifier: Int32? { process.flatMap { $0.isRunning ? $0.processIdentifier : nil } }

    /// - Parameter arguments: more configuration as command-line flags (`--requirepass`, `--user`…).
    public init(port: Int? = nil, arguments: [String] = []) throws {
        self.port = try port ?? NATSServer.freePort()
        self.arguments = arguments
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try start()
    }

    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: serverExecutable("redis-server"))
        process.arguments = [
            "--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path,
            "--daemonize", "no", "--logfile", "",
        ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Ready when it accepts connections (bounded: 10 s).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if NATSServer.accepts(port: port) { return }
            if !process.isRunning { break }
            usleep(20_000)
        }
        stop()
        throw TestServerError(message: "redis-server did not start on port \(port)")
    }

    /// SIGKILL by PID, then waits (bounded, polling; `waitUntilExit` spins on Linux) until it is
    /// gone. Not SIGTERM: the test process's threads may block it, and a blocked mask is
    /// inherited by the child, which would then ignore it; a server without persistence loses
    /// nothing by being killed.
    public func stop() {
        guard let process else { return }
        self.process = nil
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(2_000) }
    }

    /// Freezes the server (SIGSTOP) as a hung server would be; `resume` thaws it.
    public func pause() {
        guard let pid = processIdentifier else { return }
        kill(pid, SIGSTOP)
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, NATSServer.state(of: pid) != "T" { usleep(1_000) }
    }

    public func resume() {
        if let pid = processIdentifier { kill(pid, SIGCONT) }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

}
