import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Where a process runs Swift concurrency's jobs: chosen once, first thing in an executable's
/// `main` (a library must not decide this for its process).
///
/// A task waiting for a NATS reply is resumed by the event loop that read the reply. On Swift's
/// default pool that wakes a pool thread (about 30 µs on this project's 2-core VM), and the next
/// request wakes the event loop again: one request in flight then makes 0.8–0.9× nats.go's round
/// trips, where Go hands the reply to the waiting goroutine on the thread that read it.
///
/// - ``Mode/pool``: Swift's default pool for everything.
/// - ``Mode/replies``: the pool, except that a task resumed by a reply goes on running on the event
///   loop that read it when it is the only task that loop resumed in its turn (Go's `runnext`);
///   replies read together go to the pool. One request in flight is then level with nats.go, and
///   64 in flight stay as fast as on the pool. Until the task next waits, and for at most a few of
///   its own hops, it runs in place of the connection's I/O; what it starts or wakes (`Task {}`,
///   `Task.detached`, another task, its actor) goes to the pool as usual. So code that blocks
///   (synchronous file or database calls), computes for long right after a request, or calls
///   NIO's `EventLoopFuture.wait()` (which traps on an event loop) belongs in a process on
///   ``Mode/pool``. A publisher on an event loop never waits for a full write buffer: it grows.
/// - ``Mode/eventLoops``: NIO's event loops run every job (NIO's
///   `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`, as Vapor's template
///   does): about a third more round trips at one in flight, but concurrent load does 5–15 % less,
///   and a loop that publishes without awaiting, once on its connection's own event loop, keeps that
///   loop from writing until it is done (1,000,000 publishes: 40 % slower, 170 MB).
///
/// The `switchboard` CLI, a latency-bound client, runs ``Mode/replies``; the services and the
/// gateway of the example keep ``Mode/pool`` (their handlers write SQLite synchronously, and the
/// gateway's requests already prefer their HTTP connection's loop). `SWITCHBOARD_EXECUTOR=pool`,
/// `replies` or `event-loops` in the environment overrides the executable's choice.
public enum EventLoopExecutor {
    public enum Mode: String, Sendable, CaseIterable {
        case pool
        case replies
        case eventLoops = "event-loops"
    }

    /// The mode installed (``Mode/pool`` until `install` installs another).
    public static var installed: Mode { installedMode.withLock { $0 } }

    private static let installedMode = Mutex(Mode.pool)

    /// Installs `mode`, or the one `SWITCHBOARD_EXECUTOR` names, before any task or connection
    /// exists; returns the mode in effect. The first mode other than ``Mode/pool`` stays for the
    /// life of the process; ``Mode/pool`` stays when the hook on Swift's global executor is taken
    /// (by other code) or missing (a statically linked runtime).
    @discardableResult
    public static func install(_ mode: Mode, environment: [String: String] = ProcessInfo.processInfo.environment) -> Mode {
        let wanted = environment["SWITCHBOARD_EXECUTOR"].flatMap(Mode.init(rawValue:)) ?? mode
        return installedMode.withLock { current in
            guard current == .pool else { return current }
            let installed =
                switch wanted {
                case .pool: true
                case .replies: ReplyHandoff.install()
                case .eventLoops: NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
                }
            if installed { current = wanted }
            return current
        }
    }
}
