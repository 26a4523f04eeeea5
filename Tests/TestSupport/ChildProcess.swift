import Foundation
import Synchronization

/// A program the tests start (nats-server, redis-server, openssl, the CLI, Python), spawned with
/// `posix_spawn` so that it inherits nothing but its three standard streams.
///
/// Not Foundation's `Process`: on Linux it tells a child has exited through a socket pair whose
/// child end has no close-on-exec flag, so a program another thread spawns at the same moment can
/// inherit it (seen here: 1 to 4 children in 400 spawned together held another's socket). The
/// first child then counts as running, and `waitUntilExit` blocks, until that other one exits:
/// an openssl run "ran" for 20 s beside a redis-server, and a blocked `waitUntilExit` held one of
/// the two threads of Swift's pool. Pipes are inherited the same way.
///
/// Here the child opens its own streams (`/dev/null` or a file) and closes every other descriptor
/// before it executes (`posix_spawn_file_actions_addclosefrom_np`). Its signal mask is empty and
/// its signals have their default actions, whatever the test process blocks or ignores. It is
/// reaped here alone, under a lock, so a signal is only ever sent to a PID that is still this
/// child's (a reaped PID may be reused).
public final class ChildProcess: Sendable {
    /// How the child ended: the code it exited with, or the signal that ended it.
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit code, or the number of the signal, as `Process.terminationStatus` gives them.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): signal
            }
        }
    }

    public let pid: pid_t
    private let ended = Mutex<Termination?>(nil)
    /// Its place among the children a signal that ends this process takes along (`ChildReaper`).
    private let reaperSlot: Int?

    /// - Parameters:
    ///   - executable: a path, or a name looked up on PATH.
    ///   - environment: the child's whole environment; the test process's when nil.
    ///   - directory: where the child starts; the test process's working directory when nil.
    ///   - input: a file the child reads as its standard input; `/dev/null` when nil.
    ///   - output: where its standard output goes (created or truncated); `/dev/null` when nil.
    ///   - errors: where its standard error goes; the same file as `output` when equal, `/dev/null` when nil.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        input: URL? = nil, output: URL? = nil, errors: URL? = nil
    ) throws {
        let path = try Self.resolve(executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let written = O_WRONLY | O_CREAT | O_TRUNC
        try Self.check(posix_spawn_file_actions_addopen(&actions, 0, input?.path ?? "/dev/null", O_RDONLY, 0), "open the input")
        try Self.check(posix_spawn_file_actions_addopen(&actions, 1, output?.path ?? "/dev/null", written, 0o644), "open the output")
        if let errors, errors == output {
            try Self.check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "share the output")
        } else {
            try Self.check(posix_spawn_file_actions_addopen(&actions, 2, errors?.path ?? "/dev/null", written, 0o644), "open the errors")
        }
        if let directory { try Self.check(Spawn.chdir(&actions, directory.path), "change to \(directory.path)") }
        try Self.check(Spawn.closeFrom(&actions, 3), "close inherited descriptors")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // Its own process group, as Process does: a Ctrl-C at the terminal reaches the test runner alone,
        // which takes its children along (`ChildReaper`).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let variables = environment ?? ProcessInfo.processInfo.environment
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let started = ChildReaper.deferringSignals { () -> (Int32, Int?) in
            let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
            return (result, result == 0 ? ChildReaper.register(pid) : nil)
        }
        try Self.check(started.0, "start \(path)")
        self.pid = pid
        reaperSlot = started.1
    }

    /// A child still running when the last reference goes (a test that threw before its clean-up)
    /// is killed rather than left behind.
    deinit { kill() }

    /// How it ended, once it has; nil while it runs. Reaps it (without waiting) if it has just exited.
    public var termination: Termination? {
        ended.withLock { ended in
            if ended == nil { ended = reap() }
            return ended
        }
    }

    public var isRunning: Bool { termination == nil }

    /// Sends `signal` if the child has not been reaped; returns whether it was sent.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        ended.withLock { ended in
            if ended == nil { ended = reap() }
            return ended == nil && Glibc.kill(pid, signal) == 0
        }
    }

    /// Waits, polling and without holding a thread, until it ends or `timeout` passes.
    @discardableResult
    public func exit(within timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return termination
    }

    /// Waits, blocking the calling thread, until it ends or `timeout` passes: for code that cannot
    /// suspend (a `deinit`, a synchronous helper).
    @discardableResult
    public func exitBlocking(within timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            usleep(2_000)
        }
        return termination
    }

    /// SIGKILL unless it has ended, then waits (at most 5 s) to reap it.
    public func kill() {
        signal(SIGKILL)
        exitBlocking(within: .seconds(5))
    }

    private func reap() -> Termination? {
        // Looked at first and left unreaped (WNOWAIT): it leaves `ChildReaper` while its PID is
        // still its own.
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info._sifields._sigchld.si_pid == 0 { return nil }
        if let reaperSlot { ChildReaper.unregister(pid, at: reaperSlot) }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 { return nil }
        // -1 (ECHILD): no longer ours to wait for, so no longer ours to signal either.
        guard result == pid else { return .exited(-1) }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    private static func resolve(_ executable: String) throws -> String {
        if executable.contains("/") { return executable }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates = folders.map { "\($0)/\(executable)" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestServerError(message: "\(executable) is not on PATH")
        }
        return found
    }

    private static func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw TestServerError(message: "cannot \(what): \(String(cString: strerror(result)))") }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29), which the
/// Glibc module does not import: looked up by name.
private enum Spawn {
    typealias Action = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias PathAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: Action.self)
    static let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: PathAction.self)

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        addCloseFrom.map { $0(actions, lowest) } ?? ENOSYS
    }

    static func chdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        guard let addChdir else { return ENOSYS }
        return path.withCString { addChdir(actions, $0) }
    }

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        dlsym(nil, name).map { unsafeBitCast($0, to: type) }
    }
}
