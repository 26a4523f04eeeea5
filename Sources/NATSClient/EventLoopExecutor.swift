import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on SwiftNIO's event loops, as Vapor's template does.
///
/// A task that awaits a NATS reply is then resumed on the event loop that read the reply (NIO
/// keeps a job on the loop that enqueued it), instead of waking a thread of the default pool:
/// two thread switches fewer per request and per handled message. Measured with `switchboard
/// nats bench req` (1 in flight, loopback): about a third more round trips per second. The cost:
/// work that blocks (synchronous file or database calls, long computations) holds an event loop
/// and the connections on it, as it would hold a pool thread otherwise.
///
/// For executables only (a library must not decide this for its process), called first thing in
/// `main`, once. `SWITCHBOARD_NIO_EXECUTOR=0` in the environment keeps Swift's default pool.
public enum EventLoopExecutor {
    /// Installs the event loops as the global executor unless the environment says not to;
    /// true when they run Swift concurrency's jobs from now on.
    @discardableResult
    public static func installUnlessDisabled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard environment["SWITCHBOARD_NIO_EXECUTOR"] != "0" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
