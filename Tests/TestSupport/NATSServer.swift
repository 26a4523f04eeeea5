import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A real nats-server (Debian's package) on a free loopback port, started by the test and ended
/// by its PID.
public final class NATSServer: @unchecked Sendable {
    public let port: Int
    /// A configuration file (auth, TLS, cluster…) when the server was given one, in a folder of its own.
    public let configurationFile: URL?
    /// Where JetStream keeps its data, when the server was started with JetStream; removed at deinit.
    public let storeDirectory: URL?
    private let arguments: [String]
    private var process: ChildProcess?

    public var url: String { "nats://127.0.0.1:\(port)" }
    /// Whether the server runs (not stopped, not killed).
    public var isRunning: Bool { process?.isRunning ?? false }

    /// - Parameters:
    ///   - configuration: the text of a nats-server configuration file; the listen address and port
    ///     always come from the command line (127.0.0.1 and `port`).
    ///   - arguments: more command-line flags.
    ///   - jetStream: start with JetStream (`-js`), its data in a temporary folder that survives
    ///     `stop()` and `start()` (a restart keeps the streams) and is removed at deinit.
    public init(port: Int? = nil, configuration: String? = nil, arguments: [String] = [], jetStream: Bool = false) throws {
        self.port = try port ?? Self.freePort()
        if jetStream {
            let store = FileManager.default.temporaryDirectory.appendingPathComponent("nats-js-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
            self.storeDirectory = store
            self.arguments = arguments + ["-js", "-sd", store.path]
        } else {
            self.storeDirectory = nil
            self.arguments = arguments
        }
        if let configuration {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nats-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("server.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            self.configurationFile = file
        } else {
            self.configurationFile = nil
        }
        try start()
    }

    public func start() throws {
        let process = try ChildProcess(
            serverExecutable("nats-server"),
            (configurationFile.map { ["-c", $0.path] } ?? []) + ["-a", "127.0.0.1", "-p", String(port)] + arguments)
        self.process = process
        // Ready when it accepts connections (bounded: 10 s).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, process.isRunning {
            if Self.accepts(port: port) { return }
            usleep(20_000)
        }
        let exited = !process.isRunning
        stop()
        throw TestServerError(message: "nats-server did not start on port \(port)\(exited ? " (it exited)" : "")")
    }

    /// SIGTERM (after SIGCONT, should it be paused), then waits for it to exit: 10 s at most,
    /// then SIGKILL.
    public func stop() {
        guard let process else { return }
        self.process = nil
        process.signal(SIGCONT)
        process.signal(SIGTERM)
        if process.exitBlocking(within: .seconds(10)) == nil { process.kill() }
    }

    /// Freezes the server (SIGSTOP) as a hung or overloaded server would be; `resume` thaws it.
    public func pause() {
        guard let process, process.signal(SIGSTOP) else { return }
        // The signal is asynchronous: wait (bounded) until the kernel reports the process stopped.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, Self.state(of: process.pid) != "T" { usleep(1_000) }
    }

    /// Sends `signal` (SIGKILL, SIGUSR2 for lame-duck mode…) while the server runs; returns
    /// whether it was sent. A killed server is reaped by `stop()` or at deinit.
    @discardableResult
    public func send(_ signal: Int32) -> Bool { process?.signal(signal) ?? false }

    /// The state letter of /proc/PID/stat (`R`, `S`, `T` for stopped…).
    static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    public func resume() { send(SIGCONT) }

    deinit {
        resume()
        stop()
        if let folder = configurationFile?.deletingLastPathComponent() { try? FileManager.default.removeItem(at: folder) }
        if let storeDirectory { try? FileManager.default.removeItem(at: storeDirectory) }
    }


    /// A loopback port no one listens on, never handed out twice in this process.
    ///
    /// Ports come from below the kernel's ephemeral range (32768–60999 on Linux), so neither the
    /// local end of an outgoing connection nor another `bind(0)` can take one between this call and
    /// the server's own bind; a port another test process took is skipped (`PortLocks`), and each
    /// port is still checked free by binding it.
    public static func freePort() throws -> Int {
        for _ in 0..<PortAllocator.span {
            let port = PortAllocator.next()
            guard PortLocks.take(port) else { continue }
            guard let channel = try? ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: port).wait()
            else { continue }
            try? channel.close().wait()
            return port
        }
        throw TestServerError(message: "no free port in \(PortAllocator.first)..<\(PortAllocator.first + PortAllocator.span)")
    }

    static func accepts(port: Int) -> Bool {
        guard let channel = try? ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(200)).connect(host: "127.0.0.1", port: port).wait()
        else { return false }
        try? channel.close().wait()
        return true
    }
}

/// Hands out the ports of `freePort()` in turn, from a random start.
private enum PortAllocator {
    static let first = 20_000
    static let span = 12_000
    private static let offset = Mutex(Int.random(in: 0..<span))

    static func next() -> Int {
        offset.withLock { offset in
            defer { offset = (offset + 1) % span }
            return first + offset
        }
    }
}

extension NATSServer {
    /// `billing` may subscribe only under `_INBOX_billing.>` (its replies need that inbox
    /// prefix) and publish only to `invoices`; `service` may do anything. Passwords: `pw`.
    public static let inboxPrefixUsers = """
        authorization {
          users = [
            {user: billing, password: pw, permissions: {subscribe: {allow: ["_INBOX_billing.>"]}, publish: {allow: ["invoices"]}}}
            {user: service, password: pw}
          ]
        }
        """
}
