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
///   replies that arrive together go to the pool as before. One request in flight then matches
///   nats.go, and 64 in flight stay as fast as on the pool. What the task does until it next waits
///   runs on that event loop, in front of the connection's I/O: code that blocks (synchronous
///   file or database calls) or computes for long after a request belongs on the pool.
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

    /// Installs `mode`, or the one `SWITCHBOARD_EXECUTOR` names; returns the mode in effect
    /// (``Mode/pool`` when the hook on Swift's global executor was taken already).
    @discardableResult
    public static func install(_ mode: Mode, environment: [String: String] = ProcessInfo.processInfo.environment) -> Mode {
        let wanted = environment["SWITCHBOARD_EXECUTOR"].flatMap(Mode.init(rawValue:)) ?? mode
        let installed =
            switch wanted {
            case .pool: true
            case .replies: ReplyHandoff.install()
            case .eventLoops: NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
        let mode = installed ? wanted : .pool
        installedMode.withLock { $0 = mode }
        return mode
    }
}
