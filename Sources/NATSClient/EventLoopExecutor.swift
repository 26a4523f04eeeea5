import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on SwiftNIO's event loops, as Vapor's template does.
///
/// A task that awaits a NATS reply is then resumed on the event loop that read the reply (NIO
/// keeps a job on the loop that enqueued it), instead of waking a thread of the default pool:
/// two thread switches fewer per request. Measured on this project's 2-core machine
/// (`switchboard nats bench req`, loopback): one request in flight, about a third more round
/// trips per second; 64 in flight, and the HTTP gateway under 64 connections, 5–15 % fewer, since
/// all the work then shares the event-loop threads; and a loop that publishes without awaiting,
/// once it runs on its connection's own event loop, keeps that loop from writing until it is
/// done (1,000,000 publishes: 40 % slower, 170 MB). So every executable of this project keeps
/// Swift's pool by default; `SWITCHBOARD_NIO_EXECUTOR=1` turns this on for a latency-bound
/// client. Work that blocks (synchronous file or database calls, long computations) holds an
/// event loop and the connections on it.
///
/// For executables only (a library must not decide this for its process), called first thing in
/// `main`, once. `SWITCHBOARD_NIO_EXECUTOR=1` or `=0` in the environment overrides the default.
public enum EventLoopExecutor {
    /// Installs the event loops as the global executor when `byDefault` (or the environment) says
    /// so; true when they run Swift concurrency's jobs from now on.
    @discardableResult
    public static func install(byDefault: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let wanted = switch environment["SWITCHBOARD_NIO_EXECUTOR"] {
        case "1": true
        case "0": false
        default: byDefault
        }
        guard wanted else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
