import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The ports test processes on this machine have handed out: one byte of a shared lock file per
/// port, locked (an open-file-description lock) by the process that took it until it ends, however
/// it ends. Without it, two test processes at once (two checkouts, `swift test` beside `make
/// test`) could pick the same port, and one's server would not start or a client would reach the
/// other's server.
enum PortLocks {
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-test-ports.lock").path

    /// This process's description of the lock file, open for its life; -1 when it cannot be
    /// opened (then only this process's own bookkeeping keeps ports apart).
    private static let descriptor: Int32 = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)

    /// Takes `port` for this process; false when another process holds it.
    static func take(_ port: Int) -> Bool {
        guard descriptor >= 0 else { return true }
        return lock(port, on: descriptor)
    }

    /// Locks `port`'s byte on `descriptor` without waiting; false when another open file
    /// description of the file holds it.
    static func lock(_ port: Int, on descriptor: Int32) -> Bool {
        var range = flock()
        range.l_type = Int16(F_WRLCK)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = off_t(port)
        range.l_len = 1
        return fcntl(descriptor, ofdSetLock, &range) == 0
    }

    /// `F_OFD_SETLK` (Linux 3.15), which Glibc's module leaves out (it wants `_GNU_SOURCE`).
    private static let ofdSetLock: Int32 = 37
}
